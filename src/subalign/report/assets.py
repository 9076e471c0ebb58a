"""The report page's inline CSS and JavaScript (hashed into its Content-Security-Policy).

:data:`CSS` styles the page; :data:`SCRIPT` is its one inline script: the viewing code
(:data:`VIEW_JS`: highlights, anchors, filter) and, in one function, the editor's writers,
operations, header counts and controls (:mod:`~subalign.report.js_writers`,
:mod:`~subalign.report.js_editor`, :mod:`~subalign.report.js_counts`, :mod:`~subalign.report.js_tools`).
"""

from __future__ import annotations

from subalign.report.js_counts import COUNTS_JS
from subalign.report.js_editor import EDITOR_JS
from subalign.report.js_tools import TOOLS_JS
from subalign.report.js_writers import WRITERS_JS

__all__ = ["CSS", "SCRIPT", "VIEW_JS"]

CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1d1d1f;background:#fafafa}
header{padding:.6em 1.2em;background:#fff;border-bottom:1px solid #ddd;position:sticky;top:0;z-index:3}
h1{font-size:1.15em;margin:.2em 0}
.summary{margin:.2em 0;color:#555;font-size:.9em}
#status{margin:.2em 0;min-height:1.3em;font-size:.9em;color:#0b5394}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 26rem;gap:1em;padding:1em 1.2em}
aside{position:sticky;top:6.5em;align-self:start;max-height:calc(100vh - 7.5em);overflow:auto}
.colhead,.bead{display:grid;grid-template-columns:1fr 1fr;gap:1.2em}
body.one .colhead,body.one .bead{grid-template-columns:1fr}
.colhead{font-weight:600;color:#666;border-bottom:1px solid #ccc;margin-bottom:.5em}
.para{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.3em .8em .6em;margin-bottom:.8em}
body.long .para{content-visibility:auto;contain-intrinsic-size:auto 20em}
.pnum{font-size:.8em;margin:.2em 0;color:#999;font-weight:normal}
.pnum a,.sid{color:inherit;text-decoration:none}
.bead{padding:.25em .3em;border-left:3px solid transparent;border-radius:2px}
.bead+.bead{border-top:1px dotted #e6e6e6}
.bead.low{border-left-color:#e69100;background:#fff8e6}
.bead.unaligned{border-left-color:#c62828;background:#fdecea}
.flag{display:inline-block;margin-left:.4em;padding:0 .4em;border-radius:3px;font-size:.75em;background:#e69100;color:#fff;vertical-align:middle}
.bead.unaligned .flag{background:#c62828}
bdi{unicode-bidi:isolate}
.bidi{font-size:.75em;color:#8a1c7c;background:#f6e6f3;border-radius:2px;padding:0 .1em;font-family:monospace}
.sid{font-size:.68em;color:#aaa;margin-right:.25em;vertical-align:super}
.s{scroll-margin-top:8em}
.s:target,.s.target{outline:2px solid #0b5394;background:#e8f0fe}
.q{background:#fff3b0;border-bottom:2px solid #d4a800;cursor:pointer}
.q.missing{background:#ffe0e0;border-bottom:2px dashed #c62828}
.g{border-bottom:1px dotted #6a7fb5;cursor:pointer}
.hl{background:#b9f6ca!important;outline:1px solid #2e7d32;border-radius:2px}
.q.active{background:#ffd54f!important;outline:2px solid #ff8f00;border-radius:2px}
.panel{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.5em .8em;margin-bottom:1em}
.panel h2{font-size:1em;margin:.2em 0 .5em}
.quotes{padding-left:1.4em;margin:0}
.quote{margin:.3em 0;padding:.3em .4em;border-radius:4px;cursor:pointer}
.quote.missing .status{color:#c62828;font-weight:600}
.quote.found .status{color:#2e7d32}
.quote.active{background:#fff3b0;outline:2px solid #ff8f00}
.qhead{font-size:.8em;color:#666}.qhead .score{color:#999}
.qtext{font-style:italic}
.cues{font-size:.85em;border-collapse:collapse;margin-top:.2em;display:none}
.quote.active .cues{display:table}
.cues td{padding:.1em .35em;vertical-align:top}
.cues .time{white-space:nowrap;color:#555;font-variant-numeric:tabular-nums}
.nf,.note{font-size:.8em;color:#c62828}.note{color:#777}
.gloss{border-collapse:collapse;width:100%;font-size:.88em}
.gloss th{text-align:left;color:#666;font-weight:600;border-bottom:1px solid #ccc;position:sticky;top:0;background:#fff}
.gloss td{padding:.15em .3em;border-bottom:1px solid #f0f0f0}
.gentry{cursor:pointer}.gentry:hover{background:#f1f5ff}
.gentry.active{background:#b9f6ca}
.num{text-align:right;font-variant-numeric:tabular-nums}
#gfilter{width:100%;margin-bottom:.4em;padding:.2em .4em}
#editbar{display:flex;flex-wrap:wrap;gap:.3em;align-items:center;margin:.3em 0;font-size:.85em}
button{font:inherit;padding:.15em .55em;border:1px solid #8a8a8a;border-radius:4px;background:#f4f4f4;color:#1d1d1f;cursor:pointer}
button:hover:not(:disabled){background:#e8eefc}
button:disabled{color:#999;border-color:#ccc;cursor:default}
button.primary{background:#0b5394;color:#fff;border-color:#0b5394}
button .key{margin-left:.35em;font-size:.8em;color:#777;font-family:monospace}
button.primary .key{color:#dde}
:focus-visible{outline:3px solid #7b1fa2;outline-offset:2px}
#unsaved{padding:0 .5em;color:#555}#unsaved.dirty{color:#b00020;font-weight:600}
#keys{position:fixed;right:1.2em;top:7em;z-index:5;max-width:34em;box-shadow:0 2px 12px rgba(0,0,0,.2)}
#keys th{text-align:left;padding-right:1em;font-family:monospace;white-space:nowrap}
.current{outline:2px solid #7b1fa2;outline-offset:1px}
.tools{grid-column:1/-1;display:flex;flex-wrap:wrap;gap:.3em;align-items:center;margin:.3em 0;padding:.3em;background:#f3eef8;border-radius:4px;font-size:.85em}
.tools .what{color:#555;margin-right:.4em}
.tools .cand{flex-basis:100%;display:flex;gap:.4em;align-items:baseline}
.tools .candtext{color:#555}
.tools input{font:inherit;width:12em}
.bead.checked{border-left-color:#2e7d32}
.bead.edited{border-left-color:#1565c0;background:#eef4fd}
.flag.ok{background:#2e7d32}
.s.second{text-decoration:underline wavy #7b1fa2;background:#f3eef8}
.quote.reviewed .status::after{content:" ✓"}
.gentry.accepted td:first-child::before{content:"✓ ";color:#2e7d32}
.gentry.rejected td{text-decoration:line-through;color:#999}
.gentry.edited td.en,.gentry.edited td.zh{background:#eef4fd}
@media (max-width:900px){.layout{grid-template-columns:1fr}aside{position:static;max-height:none}}
@media print{header,aside{position:static}.layout{display:block}}
"""

# Only classes are toggled and ids looked up; no text is ever inserted as HTML.
VIEW_JS = r"""
(function(){
"use strict";
var status=document.getElementById("status");
function all(sel){return Array.prototype.slice.call(document.querySelectorAll(sel));}
function clear(cls){all("."+cls).forEach(function(e){e.classList.remove(cls);});}
function say(t){status.textContent=t;}
function attrSel(name,id){return "["+name+'~="'+String(id).replace(/[^0-9]/g,"")+'"]';}
function showGloss(id,scroll){
  clear("hl");clear("active");
  var row=document.getElementById("g"+id);if(!row)return;
  row.classList.add("active");
  var src=all("#review .src "+attrSel("data-g",id)),tgt=all("#review .tgt "+attrSel("data-g",id));
  src.concat(tgt).forEach(function(e){e.classList.add("hl");});
  var t=row.cells;
  say(t[0].textContent+" / "+t[1].textContent+": "+src.length+" highlighted in the review, "+tgt.length+" in the translation");
  var first=src[0]||tgt[0];if(first&&scroll)first.scrollIntoView({block:"center"});
}
function showQuote(id,scrollText,scrollPanel){
  clear("hl");clear("active");
  var li=document.getElementById("q"+id);if(!li)return;
  li.classList.add("active");
  var marks=all("#review "+attrSel("data-q",id));
  marks.forEach(function(e){e.classList.add("active");});
  var st=li.querySelector(".status").textContent,cues=all("#q"+id+" .cues tr").map(function(r){return r.cells[0].textContent+" "+r.cells[1].textContent;});
  say("Quote "+(li.querySelector(".jump")||{}).textContent+": "+st+(cues.length?" — cues "+cues.join("; "):""));
  if(scrollPanel)li.scrollIntoView({block:"nearest"});
  if(scrollText&&marks[0])marks[0].scrollIntoView({block:"center"});
}
document.addEventListener("click",function(ev){
  var t=ev.target;if(!(t instanceof Element))return;
  if(t.closest("a,button,input,label,.tools"))return;
  var row=t.closest(".gentry");if(row){showGloss(row.getAttribute("data-g"),true);return;}
  var li=t.closest("#quotes .quote");if(li){showQuote(li.getAttribute("data-q"),true,false);return;}
  var m=t.closest("#review [data-q]");if(m){showQuote(m.getAttribute("data-q").split(" ")[0],false,true);return;}
  var g=t.closest("#review [data-g]");if(g){showGloss(g.getAttribute("data-g").split(" ")[0],false);return;}
});
document.addEventListener("keydown",function(ev){
  if(ev.key!=="Enter"&&ev.key!==" ")return;
  var t=ev.target;if(!(t instanceof Element))return;
  if(t.classList.contains("gentry")){ev.preventDefault();showGloss(t.getAttribute("data-g"),true);}
  else if(t.classList.contains("quote")){ev.preventDefault();showQuote(t.getAttribute("data-q"),true,false);}
});
var filter=document.getElementById("gfilter");
if(filter)filter.addEventListener("input",function(){
  var v=filter.value.toLowerCase();
  all(".gentry").forEach(function(r){r.style.display=r.textContent.toLowerCase().indexOf(v)<0?"none":"";});
});
function onHash(){
  var h;try{h=decodeURIComponent(location.hash.slice(1));}catch(e){return;}
  var m=/^([qg])([0-9]+)$/.exec(h);
  if(m){if(m[1]==="q")showQuote(m[2],true,true);else showGloss(m[2],true);return;}
  clear("target");var el=h&&document.getElementById(h);
  if(el){el.classList.add("target");el.scrollIntoView({block:"center"});}
}
document.addEventListener("subalign:quote",function(ev){showQuote(String(ev.detail),true,false);});
window.addEventListener("hashchange",onHash);
if(location.hash)onHash();
})();
"""

SCRIPT = VIEW_JS + '(function(){\n"use strict";\n' + WRITERS_JS + EDITOR_JS + COUNTS_JS + TOOLS_JS + "})();\n"
