"""The database tables. Importing this package registers every table on `Base.metadata`."""
from models.analysis import ComputeEstimate, Fit
from models.base import Base
from models.extractions import Extraction, Result
from models.papers import Paper, PaperStatus, PaperTask
from models.points import Point
from models.review import DecisionAction, ReviewDecision
from models.runs import IngestWatermark, Run

__all__ = [
    "Base", "ComputeEstimate", "DecisionAction", "Extraction", "Fit", "IngestWatermark",
    "Paper", "PaperStatus", "PaperTask", "Point", "Result", "ReviewDecision", "Run",
]
