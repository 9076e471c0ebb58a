"""The page's file writers in JavaScript: TMX and ladder for the corrected alignment, TSV and TBX
for the glossary, TSV for the quotes.

They write what ``aligner.formats``, ``glossary.formats`` and ``quotes.formats`` write for the
same results, byte for byte (``subalign apply`` uses those Python writers, and
``tests/test_report_edit.py`` compares the two). What JavaScript cannot reproduce exactly
(Python's float formatting, its CSV quoting of whole rows, the files' fixed head and tail)
comes precomputed in the page's data (:func:`subalign.corrections.exports.editor_data`); these
functions only assemble, escape and join. Part of the page's single inline script (see
:mod:`subalign.report.js_editor`).
"""

from __future__ import annotations

WRITERS_JS = r"""
// ---- writers: mirror aligner/formats.py, glossary/formats.py, quotes/formats.py (ElementTree, csv)
var XML_ILLEGAL=/[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
function xmlText(s){return s.replace(XML_ILLEGAL,"");}
function escText(s){return s.replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;");}
function escAttr(s){
  return escText(s).replace(/"/g,"&quot;").replace(/\r/g,"&#13;").replace(/\n/g,"&#10;").replace(/\t/g,"&#09;");
}
// one element without children, as ElementTree writes it (no text: <x />)
function leaf(indent,tag,attrs,text){
  var open=indent+"<"+tag+attrs;
  return text?open+">"+escText(text)+"</"+tag+">\n":open+" />\n";
}
function tsvCell(s){return /[\t\n"]/.test(s)?'"'+s.replace(/"/g,'""')+'"':s;}
// Python's str.isupper(): a cased character, and none lower- or titlecase
var PY_LOWER=/[\p{Lowercase}\p{Lt}]/u,PY_UPPER=/\p{Uppercase}/u;
function pyIsUpper(s){return !PY_LOWER.test(s)&&PY_UPPER.test(s);}
function cpLen(s){return Array.from(s).length;}
function joinText(side,idx){return idx.map(function(i){return side.text[i];}).join(side.sep);}
function joinIds(side,idx){return idx.map(function(i){return side.ids[i];}).join(",");}

function writeTmx(A,links){
  var out=[];
  links.forEach(function(L){
    if(!L.src.length||!L.tgt.length)return;
    out.push("    <tu>\n",
      leaf("      ","prop",' type="x-score"',L.str),
      L.cstr?leaf("      ","prop",' type="x-confidence"',L.cstr):"",
      leaf("      ","prop",' type="x-src-anchor"',joinIds(A.src,L.src)),
      leaf("      ","prop",' type="x-tgt-anchor"',joinIds(A.tgt,L.tgt)));
    [[A.src,L.src],[A.tgt,L.tgt]].forEach(function(p){
      out.push('      <tuv xml:lang="'+escAttr(p[0].lang)+'">\n',
        leaf("        ","seg","",xmlText(joinText(p[0],p[1]))),"      </tuv>\n");
    });
    out.push("    </tu>\n");
  });
  return A.tmx_head+(out.length?A.body[0]+out.join("")+A.body[1]:A.body[2])+A.tmx_tail;
}
function writeLadder(links){
  return links.map(function(L){return "["+L.src.join(", ")+"]:["+L.tgt.join(", ")+"]:"+L.str+"\n";}).join("");
}
function writeQuotes(Q,quotes){
  return Q.head+quotes.map(function(q){
    if(!q.touched)return q.r.line;
    return q.r.lines[q.status==="found"?q.chosen+1:0];
  }).join("");
}
function kept(terms){return terms.filter(function(t){return t.status!=="rejected";});}
function writeGlossaryTsv(G,terms){
  return G.tsv_head+kept(terms).map(function(t){
    if(!t.edited)return t.r.line;
    return tsvCell(t.en)+"\t"+tsvCell(t.zh)+"\t"+(t.hantCleared?t.r.rest_zh:t.r.rest);
  }).join("");
}
function tbxEntry(t,n){
  var r=t.r,hant=t.hantCleared?"":r.zh_hant,out=['   <termEntry id="c'+n+'">\n',
    leaf("    ","descrip",' type="subjectField"',r.type),leaf("    ","note","",xmlText(r.note))];
  var en=t.en,enType=pyIsUpper(en)&&cpLen(en)<=8?"acronym":"fullForm";
  [["en",en,enType,r.ctx_en],["zh-Hans",t.zh,r.zh_type,r.ctx_zh]].forEach(function(p){
    out.push('    <langSet xml:lang="'+p[0]+'">\n',"     <tig>\n",leaf("      ","term","",xmlText(p[1])),
      leaf("      ","termNote",' type="termType"',p[2]),leaf("      ","termNote",' type="partOfSpeech"',r.pos));
    if(p[3])out.push(leaf("      ","descrip",' type="context"',xmlText(p[3])));
    out.push("     </tig>\n","    </langSet>\n");
  });
  if(hant&&hant!==t.zh){
    out.push('    <langSet xml:lang="zh-Hant">\n',"     <tig>\n",leaf("      ","term","",xmlText(hant)),
      leaf("      ","termNote",' type="termType"',"variant"),"     </tig>\n","    </langSet>\n");
  }
  out.push("   </termEntry>\n");
  return out.join("");
}
function writeGlossaryTbx(G,terms){
  var rows=kept(terms).map(function(t,k){
    return t.edited?tbxEntry(t,k+1):t.r.block.replace('<termEntry id="c1">','<termEntry id="c'+(k+1)+'">');
  });
  return G.tbx_head+(rows.length?G.body[0]+rows.join("")+G.body[1]:G.body[2])+G.tbx_tail;
}
"""
