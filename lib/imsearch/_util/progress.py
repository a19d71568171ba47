"""The library's one progress bar: ``tqdm.auto`` (a widget in JupyterLab, text in a terminal)."""
from __future__ import annotations


def progress(items=None, desc: str | None = None, *, enabled: bool = True, total: int | None = None,
             unit: str = "it", leave: bool = True, mininterval: float | None = None):
    """``items`` wrapped in a progress bar, or a bar of ``total`` steps to ``update()`` by hand.

    Parameters
    ----------
    items : iterable, optional
        What to loop over. When omitted, a bar of ``total`` steps is returned.
    desc : str, optional
        Label shown before the bar.
    enabled : bool
        Without a bar, ``items`` is returned unchanged (no overhead); a hand-updated bar
        is then a disabled ``tqdm`` whose ``update()`` does nothing.
    total : int, optional
        Number of steps (default: ``len(items)`` when it has one).
    unit : str
        Name of one step (``"image"``, ``"query"``...).
    leave : bool
        Keep the finished bar on screen.
    mininterval : float, optional
        Seconds between redraws (tqdm's default, or the ``TQDM_MININTERVAL`` environment
        variable, when omitted); long loops in notebooks use 1 s to stay light.

    Returns
    -------
    iterable or tqdm.tqdm
    """
    if items is not None and not enabled:
        return items
    from tqdm.auto import tqdm

    kw = dict(desc=desc, total=total, unit=unit, leave=leave, disable=not enabled)
    if mininterval is not None:
        kw["mininterval"] = mininterval
    return tqdm(**kw) if items is None else tqdm(items, **kw)
