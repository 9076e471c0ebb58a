"""The page's editor in JavaScript: the operations of :mod:`subalign.corrections.ops` carried out on
the page, undo/redo, the saved edits, the "next weak item" walk, the keyboard and the downloads.

Every change goes through :func:`run` with an operation object, the same object the corrections
file holds, and is found by sentence ids exactly as :class:`subalign.corrections.state.EditState`
finds it; so a user's edit, a replay after reload and ``subalign apply`` agree. Nothing is
inserted as HTML: text is set with ``textContent``, and moved sentences are the page's own
elements. Toolbars and panels: :mod:`subalign.report.js_tools`.
"""

from __future__ import annotations

EDITOR_JS = r"""
// ---- editor state (see subalign/corrections/state.py for the same operations in Python)
var dataEl=document.getElementById("subalign-data");
var DATA=JSON.parse(dataEl.textContent),E=DATA.edit;
if(!E)return;
var LOW=DATA.info.low_score,WEAK=DATA.info.weak_confidence,A=E.align,Q=E.quotes,G=E.glossary;
var links=[],quotes=[],terms=[],IDX={src:Object.create(null),tgt:Object.create(null)},OWN={src:[],tgt:[]};
var EL={src:[],tgt:[]},byEl=new WeakMap(),ops=[],undos=[],redos=[],exported=[],cur=null;
var statusEl=document.getElementById("status");
function say(t){statusEl.textContent=t;}
function $(id){return document.getElementById(id);}
function make(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=text;return e;}
function same(a,b){return a.length===b.length&&a.every(function(x,j){return x===b[j];});}
function num(x){return x==null||x!==x?-Infinity:x;}
function Stale(msg){this.stale=msg;}

if(A){
  ["src","tgt"].forEach(function(side){
    A[side].ids.forEach(function(id,i){IDX[side][id]=i;EL[side][i]=$((side==="tgt"?"tr-":"")+id);});
  });
  var beads=document.querySelectorAll("#review .bead");
  A.links.forEach(function(r,k){
    var sc=typeof r[2]==="string"?Number(r[2]):r[2];
    var L={src:r[0],tgt:r[1],score:sc,str:r[3],conf:r[4],cstr:r[5],key:r[4]!=null?r[4]:num(sc),checked:false,edited:false,live:true,el:beads[k]};
    links.push(L);own(L);byEl.set(L.el,L);
  });
}
if(Q)Q.rows.forEach(function(r,i){
  var c=r.cands[0];
  quotes.push({r:r,i:i,dom:E.qdom[i],status:r.status,chosen:0,touched:false,el:$("q"+E.qdom[i]),
    key:r.conf!=null?r.conf:(c?num(c.score):-Infinity)});
  byEl.set(quotes[i].el,quotes[i]);
});
if(G)G.rows.forEach(function(r,i){
  terms.push({r:r,i:i,en:r.en,zh:r.zh,status:"",edited:false,hantCleared:false,el:$("g"+i)});
  byEl.set(terms[i].el,terms[i]);
});

// ---- links
function own(L){L.src.forEach(function(i){OWN.src[i]=L;});L.tgt.forEach(function(i){OWN.tgt[i]=L;});}
// weak: confidence below WEAK where the link has one, else the score below LOW (sections.py is_weak)
function weak(L){return L.conf!=null?L.conf<WEAK:L.score<LOW;}
function unlinked(L){return !L.src.length||!L.tgt.length;}
function render(L){
  var el=L.el;
  if(!el){el=L.el=make("div");byEl.set(el,L);}
  var un=unlinked(L),low=!un&&weak(L);
  el.className="bead"+(un?" unaligned":low?" low":"")+(L.checked?" checked":"")+(L.edited?" edited":"");
  el.setAttribute("data-score",L.str);
  el.textContent="";
  var s=make("div","src"),t=make("div","tgt");
  L.src.forEach(function(i){s.appendChild(EL.src[i]);s.appendChild(document.createTextNode(" "));});
  L.tgt.forEach(function(i){t.appendChild(EL.tgt[i]);});
  if(un||low){
    var f=make("span","flag",un?"unaligned":"low "+(L.conf!=null?L.conf:L.score).toFixed(2));
    f.title=un?"no counterpart on the other side":L.conf!=null?"confidence (probability the link is right) below "+WEAK.toFixed(2):"alignment score below "+LOW.toFixed(2);
    t.appendChild(f);
  }
  if(L.checked)t.appendChild(make("span","flag ok","checked"));
  el.appendChild(s);el.appendChild(t);
}
// links[k..k+r) become nl in the list and on the page; returns the links taken out
function replace(k,r,nl){
  var old=links.slice(k,k+r),ref=old[0].el,parent=ref.parentNode;
  nl.forEach(function(L){L.live=true;render(L);parent.insertBefore(L.el,ref);own(L);});
  old.forEach(function(L){L.live=false;L.el.remove();});
  Array.prototype.splice.apply(links,[k,r].concat(nl));
  return old;
}
function index(side,id){
  if(!A)throw new Stale("no alignment was given");
  var i=IDX[side][id];
  if(i===undefined)throw new Stale((side==="src"?"review":"translation")+" sentence "+id+" no longer exists");
  return i;
}
function sides(src,tgt){
  return [src.map(function(id){return index("src",id);}),tgt.map(function(id){return index("tgt",id);})];
}
function holding(side,i){return links.indexOf(OWN[side][i]);}
function first(s){return s[0].length?holding("src",s[0][0]):holding("tgt",s[1][0]);}
function exact(s){
  var k=first(s);
  if(!same(links[k].src,s[0])||!same(links[k].tgt,s[1]))throw new Stale("no link holds exactly these sentences");
  return k;
}
// a link the editor made: the score of the one it came from, no confidence (state.py EditLink)
function link(src,tgt,from){return {src:src,tgt:tgt,score:from.score,str:from.str,conf:null,cstr:null,key:from.key,checked:false,edited:true};}
var RUN={
  merge:function(op){
    var s=sides(op.src,op.tgt),f=first(s);
    for(var k=f;k>=f-1;k--){
      if(k<0||k>=links.length-1)continue;
      var a=links[k],b=links[k+1];
      if(same(a.src.concat(b.src),s[0])&&same(a.tgt.concat(b.tgt),s[1])){
        var m=b.score<a.score?b:a,N=link(s[0],s[1],m);
        if(a.conf!=null&&b.conf!=null){var c=b.conf<a.conf?b:a;N.conf=c.conf;N.cstr=c.cstr;}  // merged: the lower confidence
        var old=replace(k,2,[N]);
        return {undo:function(){replace(k,1,old);return old[0];},focus:N};
      }
    }
    throw new Stale("no two neighbouring links hold these sentences");
  },
  split:function(op){
    if(!(op.src[0].length||op.tgt[0].length)||!(op.src[1].length||op.tgt[1].length))throw new Stale("each part of a split needs a sentence");
    var s=sides(op.src[0].concat(op.src[1]),op.tgt[0].concat(op.tgt[1])),k=exact(s),L=links[k];
    var n=op.src[0].length,m=op.tgt[0].length,A1=link(s[0].slice(0,n),s[1].slice(0,m),L),A2=link(s[0].slice(n),s[1].slice(m),L);
    var old=replace(k,1,[A1,A2]);
    return {undo:function(){replace(k,2,old);return old[0];},focus:A1};
  },
  move:function(op){
    var side=op.side,i=index(side,op.sentence),k=holding(side,i),next=op.to==="next",j=next?k+1:k-1;
    if(j<0||j>=links.length)throw new Stale("sentence "+op.sentence+" has no "+op.to+" link");
    var here=links[k][side];
    if(here[next?here.length-1:0]!==i)throw new Stale("sentence "+op.sentence+" is not at the edge of its link");
    var a=link(links[k].src,links[k].tgt,links[k]),b=link(links[j].src,links[j].tgt,links[j]);
    a[side]=next?here.slice(0,-1):here.slice(1);
    b[side]=next?[i].concat(b[side]):b[side].concat([i]);
    var lo=Math.min(k,j),pair=(next?[a,b]:[b,a]).filter(function(L){return L.src.length||L.tgt.length;});
    var old=replace(lo,2,pair);
    return {undo:function(){replace(lo,pair.length,old);return old[next?0:1];},focus:a.src.length||a.tgt.length?a:b};
  },
  check:function(op){
    var L=links[exact(sides(op.src,op.tgt))],was=L.checked;
    L.checked=true;render(L);
    return {undo:function(){L.checked=was;render(L);return L;},focus:L};
  },
  quote:function(op){
    if(!Q)throw new Stale("no quotes were given");
    var q=quotes.find(function(x){return x.r.anchor===op.quote&&x.r.wording===op.wording;});
    if(!q)throw new Stale("no quote at "+op.quote+" with this wording");
    var k=0;
    if(op.cues.length){
      k=q.r.cands.findIndex(function(c){return same(c.cues,op.cues);});
      if(k<0)throw new Stale("the quote at "+op.quote+" has no candidate at cues "+op.cues.join(", "));
    }
    var was=[q.status,q.chosen,q.touched];
    q.status=op.cues.length?"found":"not_found";q.chosen=k;q.touched=true;renderQuote(q);
    return {undo:function(){q.status=was[0];q.chosen=was[1];q.touched=was[2];renderQuote(q);return q;},focus:q};
  },
  term:function(op){
    if(!G)throw new Stale("no glossary was given");
    var k=op.entry;
    if(!(k<terms.length&&terms[k].en===op.en&&terms[k].zh===op.zh))
      k=terms.findIndex(function(t){return t.en===op.en&&t.zh===op.zh;});
    if(k<0)throw new Stale("no glossary row "+op.en+" / "+op.zh);
    var t=terms[k],was=[t.en,t.zh,t.status,t.edited,t.hantCleared];
    if(op.action==="edit"){
      if(op.to.zh!==t.zh)t.hantCleared=true;
      t.en=op.to.en;t.zh=op.to.zh;t.edited=true;
    }else t.status=op.action==="accept"?"accepted":"rejected";
    renderTerm(t);
    return {undo:function(){t.en=was[0];t.zh=was[1];t.status=was[2];t.edited=was[3];t.hantCleared=was[4];renderTerm(t);return t;},focus:t};
  }
};
function run(op){
  var f=RUN[op.op];
  if(!f)throw new Stale("unknown operation "+op.op);
  return f(op);
}

// ---- doing, undoing, keeping
var KEY="subalign-edits:"+E.key;
function persist(){
  try{localStorage.setItem(KEY,JSON.stringify({ops:ops,exported:exported}));}
  catch(e){say("Edits cannot be kept in this browser's storage ("+e.name+"); export them.");}
  var n=unsaved(),u=$("unsaved");
  u.textContent=n+" unsaved edit"+(n===1?"":"s");
  u.classList.toggle("dirty",n>0);
  $("undo").disabled=!undos.length;$("redo").disabled=!redos.length;
  showCounts();  // every change (edit, undo, redo, restore) ends here
}
function unsaved(){
  var mine=ops.map(function(o){return JSON.stringify(o);}),c=0;
  while(c<mine.length&&c<exported.length&&mine[c]===exported[c])c++;
  return mine.length-c+exported.length-c;
}
function act(op){
  var res;
  try{res=run(op);}
  catch(e){if(e instanceof Stale){say(e.stale);return false;}throw e;}
  ops.push(op);undos.push(res.undo);redos=[];
  persist();setCurrent(res.focus,true);say(describe(op));
  return true;
}
function describe(op){
  switch(op.op){
    case "merge":return "Merged link "+op.link+" with the next one.";
    case "split":return "Split link "+op.link+" in two.";
    case "move":return "Moved sentence "+op.sentence+" to the "+(op.to==="next"?"next":"previous")+" link.";
    case "check":return "Link "+op.link+" checked.";
    case "quote":return "Quote at "+op.quote+(op.cues.length?" found at cues "+op.cues.join(", "):" not found")+".";
    default:return "Glossary row "+(op.entry+1)+" "+(op.action==="edit"?"edited":op.action+"ed")+".";
  }
}
function undo(){
  if(!undos.length){say("Nothing to undo.");return;}
  var back=undos.pop()();redos.push(ops.pop());
  persist();setCurrent(back,true);say("Undone.");
}
function redo(){
  if(!redos.length){say("Nothing to redo.");return;}
  var op=redos.pop(),res=run(op);ops.push(op);undos.push(res.undo);
  persist();setCurrent(res.focus,true);say("Redone.");
}
function restore(){
  var saved=null;
  try{saved=JSON.parse(localStorage.getItem(KEY)||"null");}catch(e){saved=null;}
  if(!saved||!Array.isArray(saved.ops))return;
  var bad=0;
  saved.ops.forEach(function(op){
    try{var res=run(op);ops.push(op);undos.push(res.undo);}
    catch(e){bad++;}  // gone sentences (Stale), or a damaged entry: left out, counted
  });
  exported=Array.isArray(saved.exported)?saved.exported:[];
  if(ops.length||bad)say("Restored "+ops.length+" saved edit"+(ops.length===1?"":"s")+(bad?" ("+bad+" no longer fit)":"")+".");
}

// ---- exports (Blob + a[download]; nothing leaves the machine)
function download(name,text,type){
  var blob=new Blob([text.replace(/\r\n?/g,"\n")],{type:type+";charset=utf-8"});
  var url=URL.createObjectURL(blob),a=make("a");
  a.href=url;a.download=name;document.body.appendChild(a);a.click();a.remove();
  setTimeout(function(){URL.revokeObjectURL(url);},10000);
  say("Exported "+name+".");
}
var EXPORTS={
  tmx:function(){return [".corrected.tmx",writeTmx(A,links),"application/xml"];},
  ladder:function(){return [".corrected.align",writeLadder(links),"text/plain"];},
  quotes:function(){return [".quotes.tsv",writeQuotes(Q,quotes),"text/tab-separated-values"];},
  glossary_tsv:function(){return [".glossary.tsv",writeGlossaryTsv(G,terms),"text/tab-separated-values"];},
  glossary_tbx:function(){return [".glossary.tbx",writeGlossaryTbx(G,terms),"application/xml"];},
  corrections:function(){
    exported=ops.map(function(o){return JSON.stringify(o);});persist();
    var doc={subalign:"corrections",version:1,name:E.name,inputs:E.inputs,ops:ops};
    return [".corrections.json",JSON.stringify(doc,null,2)+"\n","application/json"];
  }
};
function exportFile(kind){var x=EXPORTS[kind]();download(E.name+x[0],x[1],x[2]);}
"""
