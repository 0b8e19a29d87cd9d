"""fieldsales: offline-first field sales for Dutch B2B sales teams."""
