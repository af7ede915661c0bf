"""boilercut: scraped web text → the clean main article."""
from .model import ModelError, SegmentModel, load as load_model
from .decode import DecodeError
from .pipeline import TimeBudgetExceeded, clean, default_model
from .types import Kind, Label, Result, Segment, SegmentResult

__all__ = ["clean", "default_model", "load_model", "DecodeError", "ModelError", "SegmentModel", "Kind", "Label",
           "Result", "Segment", "SegmentResult", "TimeBudgetExceeded"]
