"""The newsroom: jobs and drafts (one lifecycle), review, translation memory, XLIFF/TMX exchange."""
