"""The exported pages' one stylesheet: screen, and print (one scene or step per sheet)."""

from __future__ import annotations

SCREEN = """
:root{--ink:#1f2328;--muted:#6a737d;--line:#e4e4e0;--accent:#1a5fb4;--paper:#fff;--bg:#f5f5f2}
*{box-sizing:border-box}
body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
padding:32px 24px 64px;background:var(--bg);color:var(--ink)}
a{color:var(--accent)}h1,h2,h3{line-height:1.25}
.wrap{max-width:1180px;margin:0 auto}
.muted{color:var(--muted);font-size:13px}
.cover{background:var(--paper);border-radius:12px;padding:32px 36px;box-shadow:0 1px 3px #0001}
.cover h1{font-size:30px;margin:0 0 6px}.cover .lede{font-size:16px;color:var(--muted);margin:0}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:24px 0 8px}
.fact{border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.fact b{display:block;font-size:22px}.fact span{color:var(--muted);font-size:13px}
.cover table{border-collapse:collapse;margin-top:16px;font-size:14px}
.cover td,.cover th{padding:4px 18px 4px 0;text-align:left;border-bottom:1px solid var(--line)}
.toc{margin-top:20px}.toc li{margin:4px 0}
h2.section{font-size:20px;margin:36px 0 4px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:18px;margin-top:14px}
.card{background:var(--paper);border-radius:10px;box-shadow:0 1px 3px #0002;overflow:hidden;
display:flex;flex-direction:column}
.card img{width:100%;height:250px;object-fit:contain;background:#ecece8;display:block}
.card .body{padding:10px 14px 12px}
.card h3{font-size:15px;margin:0 0 2px}
.follow{font-size:13px;color:var(--accent);margin:0 0 4px}
.text{font-size:13px;color:#444;max-height:11em;overflow:auto}
.text table,.story table{border-collapse:collapse;margin:8px 0}
.text td,.text th,.story td,.story th{border:1px solid var(--line);padding:3px 8px;text-align:left}
.meta{font-size:12px;color:var(--muted);margin-top:8px}
details{margin-top:6px;font-size:12px;color:var(--muted)}
details summary{cursor:pointer}
details p{white-space:pre-wrap;margin:4px 0 0;font-family:ui-monospace,Menlo,monospace;font-size:11.5px}
.story{max-width:780px;margin:0 auto;background:var(--paper);padding:28px 40px 40px;border-radius:12px}
.story h1{font-size:28px;margin:8px 0 4px}
.version{margin-top:36px;padding-top:4px;border-top:2px solid var(--line)}
.version h2{font-size:19px;margin:14px 0 2px}
.scene{margin:22px 0}
.scene figure{margin:12px 0 0}
.scene img{max-width:100%;max-height:600px;width:auto;border-radius:8px;display:block;margin:0 auto}
.scene figcaption{margin-top:4px}
"""

# Printing to PDF: the cover alone on the first sheet, then one scene or step per sheet
# (its text and picture kept together), cards never split; links and folds hidden.
PRINT = """
@media print{
@page{margin:14mm}
body{background:#fff;padding:0;font-size:12pt}
.cover,.story,.card{box-shadow:none;border-radius:0}
.cover{break-after:page;padding:0}
.noprint,details,nav.back{display:none}
h2.section{break-before:page;margin-top:0}
.grid{grid-template-columns:repeat(2,1fr);gap:10mm}
.card{break-inside:avoid;border:1px solid #ccc}
.card img{height:70mm}
.text{max-height:none;overflow:visible}
.story{padding:0;max-width:none}
.version{border:0;margin:0;padding:0}
.story h1,.version h2,.version>p{break-after:avoid}
.scene{break-inside:avoid;break-after:page;margin:0}
.version:last-of-type .scene:last-of-type{break-after:auto}
.scene img{max-height:125mm;width:auto;max-width:100%;margin:0 auto}
a{color:inherit;text-decoration:none}
}
"""

CSS = SCREEN + PRINT
