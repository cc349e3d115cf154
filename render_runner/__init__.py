"""Dream Recap render runner: payloads from the warehouse -> Remotion renders -> stored videos."""

__version__ = "0.1.0"
