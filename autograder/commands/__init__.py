"""One module per `autograder` verb; each exposes register(subparsers)."""
