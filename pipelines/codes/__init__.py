"""Code lists and levels: countries, languages, currencies, forms of participation, ISCED-F, national frameworks and credit units, looked up once per distinct value."""
