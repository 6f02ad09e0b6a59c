"""The analysts' pages, served by the API app: server-rendered, in English and Spanish."""
