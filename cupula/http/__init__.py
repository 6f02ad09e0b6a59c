"""What the API (``cupula.api``) and the pages (``cupula.web``) share to serve a request:
who is asking (``auth``), the request's reading and audit entry (``context``), the one
error map (``errors``), the reads of a view with their cache (``reads``), uploads
(``upload``) and the application's state (``state``). It imports neither of them;
``cupula.app`` composes the three."""
