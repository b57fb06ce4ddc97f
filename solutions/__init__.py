"""Reference solutions of the unit's three exercises (hidden from students)."""
