"""Shared plumbing: input validation, content-hash caches, progress bars, timing, lazy exports."""
