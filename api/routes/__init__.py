"""One router per resource: match, scenarios, rematch, health."""
