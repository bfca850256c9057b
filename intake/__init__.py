"""Survey files in: participants from CSV exports (`csv_pool`), and survey exports as CSV
(any separator and encoding Excel writes) or Excel workbooks."""

from intake.issues import IntakeError, Issue
from intake.tables import File, file_at

__all__ = ["File", "IntakeError", "Issue", "file_at"]
