"""imsearch."""
