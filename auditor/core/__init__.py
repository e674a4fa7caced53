"""The values every stage shares: the model, the graph, errors, redaction, typed documents."""
