"""The page's editing controls in JavaScript: the toolbar of the current item (real ``<button>``s
with the names the tests and screen readers use), the split chooser, the glossary row editor,
the "next weak item" walk, the keyboard and the start-up (restoring saved edits).

Continues :mod:`subalign.report.js_editor` inside the same function (same variables).
"""

from __future__ import annotations

TOOLS_JS = r"""
// ---- quotes and glossary rows on the page
var BIDI=/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
var PY_SPACE=/^[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
function setText(el,s){  // as the server renders text: isolated, bidi controls shown as codes
  el.textContent="";
  var b=make("bdi"),last=0;
  s.replace(BIDI,function(ch,at){
    b.appendChild(document.createTextNode(s.slice(last,at)));
    b.appendChild(make("span","bidi","\u27e8U+"+ch.charCodeAt(0).toString(16).toUpperCase().padStart(4,"0")+"\u27e9"));
    last=at+1;return ch;
  });
  b.appendChild(document.createTextNode(s.slice(last)));
  el.appendChild(b);
}
var byDom=Object.create(null);
quotes.forEach(function(q){
  byDom[q.dom]=q;
  q.table=q.el.querySelector("table.cues");q.nf=q.el.querySelector(".nf")||make("div","nf","Not found in the subtitles.");
});
function candTable(c){
  var t=make("table","cues"),tb=make("tbody"),tr=make("tr"),z=make("td","zh");
  tr.appendChild(make("td","num","#"+c.cues.join(", ")));
  tr.appendChild(make("td","time",c.start+" \u2192 "+c.end));
  z.lang="zh";setText(z,c.text);tr.appendChild(z);tb.appendChild(tr);t.appendChild(tb);
  return t;
}
function renderQuote(q){
  var li=q.el,found=q.status==="found",c=q.r.cands[found?q.chosen:0];
  li.classList.toggle("found",found);li.classList.toggle("missing",!found);li.classList.toggle("reviewed",q.touched);
  li.querySelector(".status").textContent=(found?"found":"not found")+(q.touched?" (reviewed)":"");
  li.querySelector(".score").textContent=c?c.score_str:"";
  Array.prototype.forEach.call(li.querySelectorAll(":scope>table.cues,:scope>.nf"),function(e){e.remove();});
  var shown=!found?q.nf:q.chosen===0&&q.table?q.table:candTable(c);
  li.insertBefore(shown,li.querySelector(":scope>.note,:scope>.tools"));
  document.querySelectorAll('#review [data-q~="'+q.dom+'"]').forEach(function(m){
    var gone=m.getAttribute("data-q").split(" ").every(function(d){return byDom[d]&&byDom[d].status!=="found";});
    m.classList.toggle("missing",gone);
  });
}
function renderTerm(t){
  t.el.classList.toggle("accepted",t.status==="accepted");t.el.classList.toggle("rejected",t.status==="rejected");
  t.el.classList.toggle("edited",t.edited);
  setText(t.el.cells[0],t.en);setText(t.el.cells[1],t.zh);
}

// ---- the current item and its toolbar
var TB=null,split=null;
function btn(box,label,key,on,fn,title){
  var b=make("button",null,label);
  b.type="button";b.disabled=!on;
  if(key){b.setAttribute("aria-keyshortcuts",key);var k=make("span","key",key);k.setAttribute("aria-hidden","true");b.appendChild(k);}
  if(title)b.title=title;
  b.addEventListener("click",function(ev){ev.preventDefault();fn();});
  box.appendChild(b);return b;
}
function clearTools(){
  if(TB){(TB.parentNode&&TB.parentNode.classList.contains("tools-cell")?TB.parentNode.parentNode:TB).remove();TB=null;}
  if(split){split.marks.forEach(function(e){e.classList.remove("second");});split=null;}
}
function setCurrent(o,focus){
  if(cur&&cur.el)cur.el.classList.remove("current");
  cur=o||null;
  placeTools();
  if(!cur)return;
  cur.el.classList.add("current");
  if(focus){
    if(!cur.el.hasAttribute("tabindex"))cur.el.setAttribute("tabindex","-1");
    cur.el.focus({preventScroll:true});cur.el.scrollIntoView({block:"nearest"});
  }
}
function placeTools(){
  clearTools();
  if(!cur)return;
  TB=make("div","tools");TB.setAttribute("role","group");
  if(cur.src)linkTools(cur);else if(cur.r&&cur.r.cands)quoteTools(cur);else termTools(cur);
  if(cur.src||cur.r.cands)cur.el.appendChild(TB);
  else{var tr=make("tr","tools-row"),td=make("td","tools-cell");td.colSpan=6;td.appendChild(TB);tr.appendChild(td);cur.el.after(tr);}
}
function ids(side,idx){return idx.map(function(i){return A[side].ids[i];});}
function linkTools(L){
  var k=links.indexOf(L),last=k===links.length-1,both=L.src.length&&L.tgt.length;
  TB.setAttribute("aria-label","Edit link "+(k+1));
  TB.appendChild(make("span","what","Link "+(k+1)+" of "+links.length+" \u00b7 score "+L.str+(L.checked?" \u00b7 checked":"")));
  btn(TB,"Merge with next","m",!last,function(){mergeLink(L);});
  btn(TB,"Split","s",L.src.length+L.tgt.length>1,function(){openSplit(L);},"Choose which sentences go to each part");
  btn(TB,"Accept","a",true,function(){acceptLink(L);},"Mark this link as checked");
  btn(TB,"Reject","r",both,function(){rejectLink(L);},"Unlink: neither side translates the other");
  [["src","review"],["tgt","translation"]].forEach(function(p){
    var s=L[p[0]];
    if(!s.length)return;
    if(k>0)btn(TB,"Move first "+p[1]+" sentence to previous link","",true,function(){act({op:"move",link:k+1,side:p[0],sentence:A[p[0]].ids[s[0]],to:"prev"});});
    if(!last)btn(TB,"Move last "+p[1]+" sentence to next link","",true,function(){act({op:"move",link:k+1,side:p[0],sentence:A[p[0]].ids[s[s.length-1]],to:"next"});});
  });
}
function mergeLink(L){
  var k=links.indexOf(L),n=links[k+1];
  if(!n){say("This is the last link: there is no next one to merge with.");return;}
  act({op:"merge",link:k+1,src:ids("src",L.src.concat(n.src)),tgt:ids("tgt",L.tgt.concat(n.tgt))});
}
function acceptLink(L){
  if(L.checked){say("Link already checked.");return;}
  act({op:"check",link:links.indexOf(L)+1,src:ids("src",L.src),tgt:ids("tgt",L.tgt)});
}
function rejectLink(L){
  if(!L.src.length||!L.tgt.length){say("This link is already unaligned.");return;}
  act({op:"split",link:links.indexOf(L)+1,src:[ids("src",L.src),[]],tgt:[[],ids("tgt",L.tgt)]});
}
function openSplit(L){
  var ns=L.src.length,nt=L.tgt.length;
  if(ns+nt<2){say("A link of one sentence cannot be split.");return;}
  var cs=Math.ceil(ns/2),ct=Math.ceil(nt/2),k=links.indexOf(L);
  if(!(cs<ns||ct<nt))ct=nt-1;
  clearTools();
  TB=make("div","tools split");TB.setAttribute("role","group");TB.setAttribute("aria-label","Split link "+(k+1));
  L.el.appendChild(TB);
  split={L:L,marks:[]};
  function ok(a,b){return (a>0||b>0)&&(a<ns||b<nt);}
  function draw(){
    split.marks.forEach(function(e){e.classList.remove("second");});
    split.marks=L.src.slice(cs).map(function(i){return EL.src[i];}).concat(L.tgt.slice(ct).map(function(i){return EL.tgt[i];}));
    split.marks.forEach(function(e){e.classList.add("second");});
    TB.textContent="";
    TB.appendChild(make("span","what","First part: "+cs+" of "+ns+" review, "+ct+" of "+nt+" translation sentences (the rest, underlined, go to the second part)"));
    btn(TB,"Fewer review sentences in the first part","",cs>0&&ok(cs-1,ct),function(){cs--;draw();});
    btn(TB,"More review sentences in the first part","",cs<ns&&ok(cs+1,ct),function(){cs++;draw();});
    btn(TB,"Fewer translation sentences in the first part","",ct>0&&ok(cs,ct-1),function(){ct--;draw();});
    btn(TB,"More translation sentences in the first part","",ct<nt&&ok(cs,ct+1),function(){ct++;draw();});
    btn(TB,"Apply split","",true,function(){
      act({op:"split",link:k+1,src:[ids("src",L.src.slice(0,cs)),ids("src",L.src.slice(cs))],
           tgt:[ids("tgt",L.tgt.slice(0,ct)),ids("tgt",L.tgt.slice(ct))]});
    }).classList.add("primary");
    btn(TB,"Cancel","",true,function(){setCurrent(L,true);});
    TB.querySelector(".primary").focus();
  }
  draw();
}
function quoteTools(q){
  var found=q.status==="found",cands=q.r.cands,now=found?q.chosen:-1;
  TB.setAttribute("aria-label","Review quote "+(q.r.anchor||""));
  TB.appendChild(make("span","what",found?"Found at cues "+cands[q.chosen].cues.join(", "):"Not found"));
  btn(TB,"Accept","a",cands.length>0,function(){acceptQuote(q);},"The quote is said at these cues");
  btn(TB,"Reject","r",true,function(){rejectQuote(q);},"The quote is not in the subtitles");
  cands.forEach(function(c,k){
    if(k===now)return;
    var row=make("div","cand");
    btn(row,"Use cues "+c.cues.join(", "),"",true,function(){act({op:"quote",quote:q.r.anchor,wording:q.r.wording,cues:c.cues});});
    var d=make("span","candtext");setText(d,c.start+" \u2192 "+c.end+" \u00b7 score "+c.score_str+(k?" (runner-up)":" (best)")+" \u00b7 "+c.text);
    row.appendChild(d);TB.appendChild(row);
  });
}
function acceptQuote(q){
  var c=q.r.cands[q.status==="found"?q.chosen:0];
  if(!c){say("This quote has no place in the subtitles to accept.");return;}
  act({op:"quote",quote:q.r.anchor,wording:q.r.wording,cues:c.cues});
}
function rejectQuote(q){act({op:"quote",quote:q.r.anchor,wording:q.r.wording,cues:[]});}
function termOp(t,action,to){
  var op={op:"term",entry:t.i,en:t.en,zh:t.zh,action:action};
  if(to)op.to=to;
  act(op);
}
function termTools(t){
  TB.setAttribute("aria-label","Review glossary row "+(t.i+1));
  btn(TB,"Accept","a",true,function(){termOp(t,"accept");},"Keep this glossary row");
  btn(TB,"Reject","r",true,function(){termOp(t,"reject");},"Leave this row out of the exported glossary");
  btn(TB,"Edit","e",true,function(){openEdit(t);},"Change the English or the Chinese");
}
function openEdit(t){
  TB.textContent="";
  var en=make("input"),zh=make("input"),le=make("label",null,"English "),lz=make("label",null,"Chinese ");
  en.value=t.en;zh.value=t.zh;zh.lang="zh";le.appendChild(en);lz.appendChild(zh);TB.appendChild(le);TB.appendChild(lz);
  function save(){
    var e=en.value.replace(PY_SPACE,""),z=zh.value.replace(PY_SPACE,"");
    if(e===t.en&&z===t.zh){setCurrent(t,true);return;}
    termOp(t,"edit",{en:e,zh:z});
  }
  [en,zh].forEach(function(i){i.addEventListener("keydown",function(ev){
    if(ev.key==="Enter"){ev.preventDefault();save();}
    else if(ev.key==="Escape"){ev.preventDefault();setCurrent(t,true);}
  });});
  btn(TB,"Save","",true,save);btn(TB,"Cancel","",true,function(){setCurrent(t,true);});
  en.focus();
}

// ---- weakest first: links and quotes by rising confidence (the score where there is none)
var queue=links.concat(quotes).sort(function(x,y){return x.key<y.key?-1:x.key>y.key?1:0;}),qpos=-1;
function reviewed(o){return o.src?o.checked||o.edited:o.touched;}
function go(o){
  setCurrent(o,true);
  if(!o.src)document.dispatchEvent(new CustomEvent("subalign:quote",{detail:o.dom}));
}
function nextWeak(){
  for(var p=qpos+1;p<queue.length;p++){
    var o=queue[p];
    if((!o.src||o.live)&&!reviewed(o)){qpos=p;go(o);say("Weak item "+(p+1)+" of "+queue.length+(o.src?": link "+(links.indexOf(o)+1)+", score "+o.str:": quote "+(o.r.anchor||"")));return;}
  }
  say("No more unreviewed items.");
}
function prevItem(){
  for(var p=qpos-1;p>=0;p--){
    var o=queue[p];
    if(!o.src||o.live){qpos=p;go(o);say("Weak item "+(p+1)+" of "+queue.length);return;}
  }
  say("This is the first item.");
}

// ---- keyboard and clicks
function toggleKeys(show){
  var k=$("keys"),b=$("keys-button");
  k.hidden=show===undefined?!k.hidden:!show;b.setAttribute("aria-expanded",String(!k.hidden));
  if(!k.hidden)k.focus();
}
var KEYS={
  j:nextWeak,k:prevItem,"?":function(){toggleKeys();},
  m:function(){if(cur&&cur.src)mergeLink(cur);},
  s:function(){if(cur&&cur.src)openSplit(cur);},
  a:function(){if(!cur)return;if(cur.src)acceptLink(cur);else if(cur.r.cands)acceptQuote(cur);else termOp(cur,"accept");},
  r:function(){if(!cur)return;if(cur.src)rejectLink(cur);else if(cur.r.cands)rejectQuote(cur);else termOp(cur,"reject");},
  e:function(){if(cur&&!cur.src&&!cur.r.cands)openEdit(cur);}
};
document.addEventListener("keydown",function(ev){
  var t=ev.target,typing=t instanceof Element&&t.closest("input,textarea,select");
  if(ev.key==="Escape"&&!typing){
    if(!$("keys").hidden){toggleKeys(false);$("keys-button").focus();}
    else if(split&&cur)setCurrent(cur,true);
    return;
  }
  if(typing||ev.altKey)return;
  if(ev.ctrlKey||ev.metaKey){
    var k=ev.key.toLowerCase();
    if(k==="z"){ev.preventDefault();if(ev.shiftKey)redo();else undo();}
    else if(k==="y"){ev.preventDefault();redo();}
    return;
  }
  var f=KEYS[ev.key];
  if(f){ev.preventDefault();f();}
});
document.addEventListener("click",function(ev){
  var t=ev.target;
  if(!(t instanceof Element)||t.closest("button,input,label,a,.tools"))return;
  var el=t.closest("#review .bead,#quotes .quote,#glossary .gentry"),o=el&&byEl.get(el);
  if(o&&o!==cur)setCurrent(o,false);
});
document.addEventListener("focusin",function(ev){  // Tab onto a quote or glossary row makes it current
  var t=ev.target,o=t instanceof Element&&byEl.get(t);  // (a mouse's focus waits for its click: no layout shift under it)
  if(o&&o!==cur&&t.matches(":focus-visible"))setCurrent(o,false);
});
$("next-weak").addEventListener("click",nextWeak);
$("prev-item").addEventListener("click",prevItem);
$("undo").addEventListener("click",undo);
$("redo").addEventListener("click",redo);
$("keys-button").addEventListener("click",function(){toggleKeys();});
document.querySelectorAll("[data-export]").forEach(function(b){
  b.addEventListener("click",function(){exportFile(b.getAttribute("data-export"));});
});
restore();
persist();
"""
