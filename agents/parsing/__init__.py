"""Pure parsers for articles and comment threads (no Kafka, no Faust)."""
