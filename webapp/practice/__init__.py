"""Practice feedback for candidates: their practice sessions, one session's feedback, progress per skill."""
