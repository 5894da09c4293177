"""Actor recognition: gazetteer, aliases, role phrases (no Kafka, no Faust)."""
