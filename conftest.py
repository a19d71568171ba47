"""Settings for executing the notebooks with nbval (``pytest --nbval-lax notebooks``)."""

# nbval waits only 5 s for a cell's output messages after the cell has finished; on a
# loaded 2-core machine, a cell that updated a progress bar many times can need longer.
NBVAL_OUTPUT_TIMEOUT_S = 60


def pytest_collection_modifyitems(config, items):
    for item in items:
        if hasattr(item, "output_timeout"):  # an nbval notebook cell
            item.output_timeout = NBVAL_OUTPUT_TIMEOUT_S
