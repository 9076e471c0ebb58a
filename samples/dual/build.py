"""Build the dual-subtitle sample: film.zh.srt, film.en.srt and gold.json.

An invented scene from *The Glue Line* (《胶水线》): a night shift on the glue
line of a shoe factory.  Every unit below is one gold link: the English cues and
the Chinese cues that say the same thing, segmented independently (a third of
the links are not 1-1; a few cues exist in one track only: sound descriptions
in the English SDH track, on-screen signs in the Chinese one).

The Chinese track is the reference clock; the English track is shifted by
OFFSET seconds and runs with DRIFT (``t_en = t_zh * (1 + DRIFT) + OFFSET``).
Run ``python samples/dual/build.py`` to rewrite the three files.
"""

from __future__ import annotations

import json
from pathlib import Path

OFFSET = 2.35  # seconds
DRIFT = 0.0012  # 0.12 %: 7.2 s over 100 minutes

# (English cues, Chinese cues); "\n" separates the lines of one cue.
UNITS: list[tuple[list[str], list[str]]] = [
    (["[machines rumbling]"], []),
    (["Line three, start up!"], ["三号线，开线了！"]),
    (["Don't brush the glue on so thick.\nIt's a waste."], ["胶水不要刷那么厚", "浪费"]),
    (["Team leader, is this batch\nthe American order?"], ["组长 这批是美国那边要的货？"]),
    (["Twenty thousand pairs by the end of the month.", "Nobody takes a day off."], ["月底前要出两万双 谁都不许请假"]),
    ([], ["【车间标语：质量就是生命】"]),
    (["No phone calls during working hours."], ["上班时间别打电话"]),
    (["If the leader sees you, she'll dock your pay."], ["组长看到要扣钱的"]),
    (["My name is Xu Chunhua.\nI'm from Nanchong, in Sichuan."], ["我叫许春华", "四川南充人"]),
    (["I came to Houjie when I was seventeen."], ["十七岁就来厚街了"]),
    (["That was eleven years ago."], ["那是十一年前"]),
    (["My daughter stays with her grandmother back home."], ["女儿在老家 跟她外婆住"]),
    (["She's in second grade now."], ["今年读二年级了"]),
    (["I call her every Sunday night,", "but she hardly talks to me anymore."], ["每个礼拜天晚上给她打电话 她都不太跟我说话了"]),
    (["Chunhua, your hands are shaking again."], ["春华 你的手又在抖了"]),
    (["It's nothing. The smell gets to me at night."], ["没事", "晚上闻多了这个味道就这样"]),
    (["You should go to the clinic."], ["你应该去诊所看看"]),
    (["The clinic costs money.\nA day off costs money."], ["看病要钱 请假也要钱"]),
    (["What's in this glue anyway?"], ["这胶水里到底有什么东西？"]),
    (["Nobody knows.", "The barrels have no labels."], ["谁知道 桶上连标签都没有"]),
    (["Old Zhou says it's benzene."], ["老周说是苯"]),
    (["Old Zhou says a lot of things."], ["老周的话多着呢"]),
    (["[fan whirring]"], []),
    (["Hey, the fan in the corner is broken again."], ["喂", "角落那台风扇又坏了"]),
    (["I reported it three weeks ago."], ["我三个星期前就报上去了"]),
    (["Maintenance said they have no parts."], ["维修部说没有零件"]),
    (["No parts for a fan,\nbut parts for the new machines."], ["风扇没零件", "新机器倒是有零件"]),
    (["Keep your voice down.\nThe supervisor is coming."], ["小声点 主管过来了"]),
    (["Why has line three stopped?"], ["三号线怎么停了？"]),
    (["The glue ran out, Mr. Liang.", "We're waiting for the next barrel."], ["梁主任 胶水用完了 在等下一桶"]),
    (["Waiting costs the company money."], ["等一分钟 公司就亏一分钟的钱"]),
    (["From tomorrow, the target is\nfive hundred pairs a shift."], ["从明天开始", "每个班的指标是五百双"]),
    (["Five hundred? We can barely do four hundred now."], ["五百双？现在四百双都很难做完"]),
    (["Then work faster."], ["那就做快一点"]),
    (["Anyone who can't keep up\ncan leave."], ["跟不上的可以走人"]),
    (["There are plenty of people at the gate\nwaiting for your job."], ["门口排队等你这份工的人多的是"]),
    ([], ["【广播：请各班组注意安全生产】"]),
    (["He said that last year too."], ["他去年也是这么说的"]),
    (["And last year the overtime was unpaid."], ["去年加的班", "一分钱都没给"]),
    (["The contract says overtime\nis paid at one and a half times."], ["合同上写着加班费是一点五倍"]),
    (["You read the contract?"], ["你还看过合同？"]),
    (["My cousin read it for me.", "She studied law in Guangzhou."], ["我表妹帮我看的 她在广州读法律"]),
    (["Law is useless here."], ["法律在这里没用"]),
    (["Houjie is not Guangzhou."], ["厚街又不是广州"]),
    (["[bell ringing]"], []),
    (["Break! Fifteen minutes!"], ["休息", "十五分钟！"]),
    (["Want some sunflower seeds?"], ["吃瓜子吗？"]),
    (["Thanks. Where did you get them?"], ["谢谢", "哪里买的？"]),
    (["The shop behind dormitory B.\nThey're cheaper than in town."], ["B栋宿舍后面那家小店 比镇上便宜"]),
    (["Did you hear? Xiao Mei from line five\nwas taken to hospital."], ["听说了吗？五号线的小梅被送去医院了"]),
    (["She fainted at the machine."], ["她在机器旁边晕倒了"]),
    (["The doctor said it was the fumes."], ["医生说是吸了太多气体"]),
    (["The company says she was tired", "because she goes dancing at night."], ["公司说她是晚上跳舞跳累了"]),
    (["Dancing? She works twelve hours a day."], ["跳舞？她一天做十二个小时"]),
    (["Some of us are going to the workers' centre on Sunday."], ["礼拜天我们几个要去工友中心"]),
    (["The Banyan Workers' Centre?"], ["榕树工友中心？"]),
    (["They help people write complaints."], ["他们帮人写投诉"]),
    (["And they teach you what the law says\nabout overtime and poisoning."], ["还教你法律上", "加班和中毒是怎么规定的"]),
    (["If the factory finds out, you'll be fired."], ["厂里知道了", "你会被开除的"]),
    (["Then we go together.\nThey can't fire all of us."], ["那就一起去", "总不能把我们全开了吧"]),
    (["[machines starting again]"], []),
    (["Back to work! The break is over!"], ["回去干活！休息时间到了！"]),
    (["Chunhua, come with us on Sunday."], ["春华 礼拜天跟我们一起去吧"]),
    (["I have to call my daughter on Sunday."], ["礼拜天我要给女儿打电话"]),
    (["Call her in the morning,\nthen come in the afternoon."], ["上午打电话", "下午再来"]),
    (["I'll think about it."], ["我考虑一下"]),
    (["Don't think too long."], ["别考虑太久"]),
    (["The next one to faint could be you."], ["下一个晕倒的", "可能就是你"]),
    (["Line three, why is the quality so bad?"], ["三号线 质量怎么这么差？"]),
    (["Fifty pairs rejected in one hour!"], ["一个小时退回来五十双！"]),
    (["The soles aren't sticking.\nThe new glue is different."], ["鞋底粘不住 新胶水不一样"]),
    (["Then use more glue."], ["那就多刷点胶"]),
    (["An hour ago you told us\nnot to brush it so thick."], ["一个小时前你还叫我们别刷那么厚"]),
    (["Are you talking back to me?"], ["你是在跟我顶嘴吗？"]),
    (["No, Team Leader.\nI'm just telling you what happened."], ["不是 组长", "我只是说实话"]),
    (["Write your name on this form."], ["在这张单子上写你的名字"]),
    (["What form is it?"], ["这是什么单子？"]),
    (["A warning.", "Three warnings and you're out."], ["警告单 三次警告就走人"]),
    (["[door slams]"], []),
    (["Don't cry. Don't let them see you cry."], ["别哭", "别让他们看见你哭"]),
    (["I'm not crying. It's the glue.\nIt burns my eyes."], ["我没哭 是胶水", "熏眼睛"]),
    (["Sunday. The Banyan Centre, two o'clock."], ["礼拜天 榕树中心 两点"]),
    (["I'll be there."], ["我会去的"]),
    (["Bring your pay slips from last year."], ["把去年的工资条带上"]),
    (["All of them? Some are in my suitcase\nunder the bed."], ["全部吗？有些在床底下的箱子里"]),
    (["All of them. Every hour counts."], ["全部 每个小时都要算"]),
    ([], ["【字幕：十一月 东莞 厚街】"]),
    (["The night shift ends at six.", "The sky is already grey."], ["夜班六点下班 天已经灰蒙蒙的了"]),
    (["Another day. Another four hundred pairs."], ["又是一天", "又是四百双"]),
    (["Good night, Chunhua.\nOr good morning."], ["晚安 春华", "还是说早安"]),
    (["Good morning. Sleep well."], ["早安 好好睡"]),
]


def _fmt(ms: int) -> str:
    h, r = divmod(ms, 3_600_000)
    m, r = divmod(r, 60_000)
    s, r = divmod(r, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{r:03d}"


def _srt(cues: list[tuple[int, int, str]]) -> str:
    return "".join(f"{k}\n{_fmt(s)} --> {_fmt(e)}\n{t}\n\n" for k, (s, e, t) in enumerate(cues, 1))


def _weights(texts: list[str], per_char: float) -> list[float]:
    return [max(1.0, len(t.replace("\n", "")) * per_char) for t in texts]


def _jitter(step: int, salt: int, amount: int = 300) -> int:
    return (step * 2654435761 + salt * 40503) % (2 * amount + 1) - amount


def build(units=UNITS, *, offset: float = OFFSET, drift: float = DRIFT, start_ms: int = 41_200, repeat: int = 1,
          repeat_gap_ms: int = 60_000):
    """(zh cues, en cues, gold links) with times in ms; gold links use 1-based cue numbers."""
    zh: list[tuple[int, int, str]] = []
    en: list[tuple[int, int, str]] = []
    gold: list[dict] = []
    t = start_ms
    step = 0
    for _ in range(repeat):
        for en_texts, zh_texts in units:
            step += 1
            # A unit lasts 2-7 s depending on its length; the pause before it varies.
            length = max(sum(len(x) for x in en_texts) / 15.0, sum(len(x) for x in zh_texts) / 4.5)
            dur = int(1000 * min(7.0, max(1.6, length)))
            t += 400 + (step * 7919) % 4200  # deterministic, irregular pauses
            a_nums, b_nums = [], []
            for texts, track, nums, per_char in ((zh_texts, zh, a_nums, 1.0), (en_texts, en, b_nums, 0.3)):
                if not texts:
                    continue
                # The English subtitler spotted the unit independently: its
                # start and end differ by up to ±0.3 s (deterministic jitter).
                u0, u1 = (t, t + dur) if track is zh else (t + _jitter(step, 1), t + dur + _jitter(step, 2))
                w = _weights(texts, per_char)
                total, acc = sum(w), 0.0
                for text, wi in zip(texts, w):
                    s = u0 + int((u1 - u0) * acc / total)
                    acc += wi
                    e = u0 + int((u1 - u0) * acc / total) - (120 if acc < total else 0)
                    track.append((s, e, text))
                    nums.append(len(track))
            gold.append({"a": a_nums, "b": b_nums})
            t += dur
        t += repeat_gap_ms
    shifted = [
        (int(round(s * (1 + drift) + offset * 1000)), int(round(e * (1 + drift) + offset * 1000)), x) for s, e, x in en
    ]
    return zh, shifted, gold


def main() -> None:
    here = Path(__file__).parent
    zh, en, gold = build()
    (here / "film.zh.srt").write_text(_srt(zh), encoding="utf-8")
    (here / "film.en.srt").write_text(_srt(en), encoding="utf-8")
    doc = {
        "a": "film.zh.srt",
        "b": "film.en.srt",
        "offset": OFFSET,
        "drift": DRIFT,
        "clock": "t_b = t_a * (1 + drift) + offset (seconds)",
        "links": gold,
    }
    (here / "gold.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for g in gold:
        k = f"{len(g['a'])}-{len(g['b'])}"
        kinds[k] = kinds.get(k, 0) + 1
    print(f"{len(zh)} zh cues, {len(en)} en cues, {len(gold)} links: {kinds}")


if __name__ == "__main__":
    main()
