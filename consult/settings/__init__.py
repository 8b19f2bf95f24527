"""Settings package: base (every value, from the environment), dev, test and production."""
