"""newswire: streaming processor for press articles and their comment threads."""
