"""What each `render-runner` command does besides the run itself (the CLI parses and prints; these work)."""
