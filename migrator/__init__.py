"""migrator: move Python code off OpenAI's retiring models."""

__version__ = "0.1.0"
