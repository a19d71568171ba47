"""ipywidgets sliders to explore a parameter live."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'sliders': ['int_slider', 'sampling_step_slider', 'gray_levels_slider', 'color_quantization_slider', 'color_picker', 'edit_slider', 'float_slider', 'ratio_test_slider', 'ransac_step_slider', 'float_sliders', 'harris_sliders', 'gabor_response_slider', 'he_threshold_slider'],
})
