"""What every layer shares: language tags, settings, the database engine and migrations runner,
safe XML parsing. It imports nothing of dragoman's."""
