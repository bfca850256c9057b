"""One router per resource: match, scenarios, rematch, intake, health."""
