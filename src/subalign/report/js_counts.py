"""The header's counts in JavaScript: after every edit, undo and redo (and on load, after saved
edits are restored) the page recounts weak and unaligned links, found quotes and kept glossary
rows and writes the numbers into the header's ``data-count`` spans.

The definitions are :func:`subalign.report.sections.summary`'s, so a page without edits shows
exactly the numbers Python wrote. Only a span's leading number is replaced (``textContent``), the
label stays as Python wrote it. Continues :mod:`subalign.report.js_editor` inside the same function.
"""

from __future__ import annotations

COUNTS_JS = r"""
// ---- the header's counts (sections.py summary, live): same definitions as at build time
var COUNTED=Array.prototype.slice.call(document.querySelectorAll("header [data-count],#quotes h2 [data-count]"));
function counts(){
  var c={};
  if(A){
    var low=0,un=0;
    links.forEach(function(L){if(unlinked(L))un++;else if(weak(L))low++;});
    c.links=links.length;c.low=low;c.unaligned=un;
  }
  if(Q){
    var found=quotes.filter(function(q){return q.status==="found";}).length;
    c.found=found;c.not_found=quotes.length-found;
  }
  if(G)c.glossary=kept(terms).length;  // the rows the glossary exports keep
  return c;
}
function showCounts(){
  var c=counts();
  COUNTED.forEach(function(el){
    var n=c[el.getAttribute("data-count")];
    if(n!==undefined)el.textContent=el.textContent.replace(/^[0-9]+/,String(n));
  });
}
"""
