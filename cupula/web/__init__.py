"""The workbench's pages (``pages``) and the files they load (``assets``), over the
request plumbing they share with the API (``cupula.http``); never over the API itself."""

from cupula.web import assets, pages

ROUTERS = [pages.router, assets.router]

__all__ = ["ROUTERS"]
