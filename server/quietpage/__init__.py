"""Quietpage: reader mode without the nags."""
from .engine import clean
from .errors import EmptyInput, InputTooLarge, NotHTML, OptionsError, QuietpageError, RuleError
from .options import CATEGORIES, Options
from .result import Paywall, Removal, Result, Signal

__version__ = "0.1.0"
__all__ = ["clean", "Options", "Result", "Paywall", "Removal", "Signal", "CATEGORIES", "QuietpageError",
           "EmptyInput", "InputTooLarge", "NotHTML", "OptionsError", "RuleError", "__version__"]
