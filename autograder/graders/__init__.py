"""Hidden graders: plain pytest, one test per behaviour, points declared with @pytest.mark.points."""
