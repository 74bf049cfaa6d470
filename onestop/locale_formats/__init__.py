"""Date and number formats of the site's languages where Django's own differ from what the counter writes
(`FORMAT_MODULE_PATH`)."""
