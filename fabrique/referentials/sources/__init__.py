"""Reading the référentiels' official files (one module per source) and making the database
say what they say (``sync``). ``fabrique.referentials.importers`` puts them together."""
