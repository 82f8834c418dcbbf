"""Documents a coordinator sends on: the progress report and the attendance certificate as PDF.

Built with Qt's own rich text and PDF support (QTextDocument laid out on a QPdfWriter, or a
QPrinter for paper; no other PDF library). One layer above the services, beside spreadsheets/:
the window and the command line both call it, and every value in a document comes from the
services and the domain (marks through `domain.grades.format_mark`, half up).

- `html.py`: the small HTML vocabulary the documents are written in (escaped cells, tables);
- `report.py` / `certificate.py`: a student's record, or a certificate, as HTML;
- `pages.py`: laying HTML out on pages with a footer (date, app version, page x of y), one
  document or many in one file, on a PDF writer or a printer;
- `files.py`: writing one PDF safely (a temporary file moved into place);
- `batch.py`: reports for many students, a file each or one PDF, as a generator of progress;
- `settings.py`: the coordinator's name the certificate is signed with.
"""
