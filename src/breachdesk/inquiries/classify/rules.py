# ruff: noqa: E501 - each pattern stays on one line so that it can be read and diffed as one rule
"""Recognise each label by phrases: hand-written patterns over normalised sentences; a match is kept as evidence by
its rule id and offsets only, never its text.

A rule is a label, a pattern and optionally a pattern that vetoes it in the same sentence; some patterns are a topic joined to a question cue within one sentence, so that a
statement ("my address leaked, so I get spam") is not read as a question ("was my address included?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A question or request inside the same sentence.
_ASK = r"[^。]{0,24}?(か|かどうか|のか|ですか|でしょうか|ますか|教えて|おしえて|知りたい|確認(し|を|して|させ)|\?|大丈夫|無事)"
_ME = r"(私|自分|わたし|わたくし|僕|ぼく|俺|家族|妻|夫|主人|息子|娘|母|父|子供|子ども|当方|うち)"
_ITEM = (
    r"(クレジットカード|カード番号|カード情報|カード|パスワード|暗証番号|注文履歴|購入履歴|注文情報|購入情報|"
    r"チケット(の)?購入|住所|電話番号|生年月日|マイナンバー|個人番号|口座|セキュリティコード|有効期限|メールアドレス|"
    r"氏名|名前|ログインid|銀行|password|credit card|card number|order history|address|phone number|my number)"
)
_LEAK = r"(漏|流出|含まれ|入って|盗まれ|抜かれ|抜き取|見られ|知られ|出て)"

# Sentences typed in half-width katakana only (old phones, some business systems) become full-width katakana under
# NFKC; their key words are listed in katakana.
RULES: list[tuple[str, str] | tuple[str, str, str]] = [
    # affected_check: whether the sender or their family is affected.
    (
        "affected_check",
        r"(対象|該当)(者|会員)?(に)?(なって|入って|含まれて)?(いる|います|いない|おり|いるの|ある)?(か|かどうか|のか|でしょうか|ですか)",
    ),
    ("affected_check", r"(対象|該当)(者|会員)?(か|かどうか)"),
    ("affected_check", r"(対象|該当)(し|と(なり|な)|に(なり|な))?(ます|ている|てい|る)(か|でしょうか|の)"),
    ("affected_check", r"タイショウ|ガイトウ|ジブン[^。]{0,4}モレ"),
    (
        "affected_check",
        r"(アカウント|登録|会員情報|情報)(は|も|が)?[^。]{0,10}(関係|影響)(あり|ある|して)(ます|る)?か|やられ(て|ちゃって)|(対象|該当)(なら|であれば|だったら)",
    ),
    ("affected_check", r"(is|are) my (account|data)[^.?]{0,20}among|affected (ones|members|customers)\?"),
    ("affected_check", _ME + r"(の|も|は|が)[^。]{0,16}" + _LEAK + _ASK),
    ("affected_check", r"(漏|流出)[^。]{0,8}(か|かどうか|のか)(を|について)?(確認|教えて|知りたい|調べて|照会)", _ITEM),
    ("affected_check", r"(被害|影響)(に遭って|を受けて|があるか|はあるか|はない(か|の))"),
    (
        "affected_check",
        r"(am i|was i|are we|were we|(is|was|were|are) my (account|data|information|info|personal|details|family))\b[^.?]{0,60}(affected|included|leaked|exposed|compromised|part of)",
    ),
    ("affected_check", r"(whether|if) (i|my|we)\b[^.?]{0,50}(affected|included|leaked|exposed)"),
    # leaked_items: which data leaked, or whether a given item was included.
    ("leaked_items", _ITEM + r"(は|も|が|まで|について|に関して)?[^。]{0,14}" + _LEAK + _ASK),
    ("leaked_items", _ITEM + r"(は|も|が)?(大丈夫|無事|安全)"),
    ("leaked_items", r"(どの|どんな|どういった|どういう|何の|なんの|いかなる|具体的な)(個人)?(情報|項目|データ|内容)"),
    ("leaked_items", r"(流出|漏洩|漏えい|漏れた)(した)?(情報|項目|データ)?の?(範囲|項目|内容|種類)"),
    ("leaked_items", r"(カード|パスワード|ジュウショ|デンワ)[^。]{0,8}モレ"),
    (
        "leaked_items",
        r"(名前|メール|住所|氏名)[^。]{0,10}(だけ|のみ)(です|でしょう)?か|(持って|保持して|保存して|保有して)(いない|いません|いる)[^。]{0,8}(本当|か)|公演名|(include|including)d? (passwords?|card|addresses?|phone)",
    ),
    ("leaked_items", r"(which|what)\s+(personal\s+)?(data|information|details|items)"),
    (
        "leaked_items",
        r"(credit card|card number|password|order history|address|phone number)[^.?]{0,40}(leaked|included|exposed|stolen)",
    ),
    # deletion: delete data, close the account, stop use or mail.
    (
        "deletion",
        r"(削除|消去|抹消|破棄|廃棄)(して|を(求め|要求|お願い|希望|依頼)|を?願い|したい|希望|依頼|の上|してもらい|すること)",
    ),
    (
        "deletion",
        r"(退会|解約|脱会|アカウント(を)?(削除|閉鎖))(も|を|は)?(したい|します|させて|を希望|の?手続き|処理|する|希望|を(お願い|求め|申し))",
    ),
    (
        "deletion",
        r"(メール|メルマガ|ダイレクトメール|dm|案内|広告)(の)?(配信|送付|送信|発送)?(を|は)?(停止|止めて|とめて|やめて|不要|送らないで|送ってこないで|いりません)",
    ),
    ("deletion", r"削除(しろ|せよ|しなさい|してくれ)|タイカイ|サクジョ|テイシ"),
    (
        "deletion",
        r"(会員|登録)を(やめ|辞め|取り消|取消|抹消)|残さないで|消去(願|を願|してほし)|(送信|送付|案内|連絡)(を|は)?(止め|やめ|停止)|受け取りたく(ない|ありません)|remove me|take me off",
    ),
    ("deletion", r"配信(を)?停止|(利用|使用|第三者提供|共有|提供)(を|は)?(停止|中止|やめて|しないで)"),
    ("deletion", r"(個人情報|情報|データ|登録)(を|は)?(全て|すべて|全部|完全に|一切)?(消して|削除|消去)"),
    (
        "deletion",
        r"\b(delete|erase|remove)\b[^.?]{0,20}\b(my|all)\b|\b(close|cancel|terminate)\b[^.?]{0,10}account|unsubscribe|stop (sending|using|emailing)",
    ),
    # compensation: money, refunds, vouchers, or legal action for money.
    (
        "compensation",
        r"補償|賠償|慰謝料|弁償|返金|見舞金|金券|クーポン|商品券|お詫びの(品|しるし)|減額|払い戻し|誠意を形",
    ),
    ("compensation", r"弁護士|訴訟|裁判|法的(な)?(措置|手段)|訴え(る|ます)|消費者センター.{0,6}(相談|訴)"),
    ("compensation", r"ホショウ|バイショウ|ヘンキン"),
    (
        "compensation",
        r"埋め合わせ|金銭|ポイントを(いただ|頂|付与|もら|つけ)|出るところに出|費用は?(負担|払|持って)|割引|money back|reimburs",
    ),
    ("compensation", r"compensat|refund|damages|voucher|lawsuit|\bsue\b|lawyer|legal action"),
    # secondary_damage: spam, phishing, calls, visits, card fraud, hijacked accounts, direct mail.
    ("secondary_damage", r"迷惑(メール|電話)|スパム|spam|フィッシング|phishing|詐欺|架空請求|訪問販売|押し売り"),
    (
        "secondary_damage",
        r"(不審|怪しい|あやしい|知らない|見知らぬ)(な)?(電話|メール|sms|ショートメール|郵便|手紙|人物|業者|訪問|請求|番号)",
    ),
    ("secondary_damage", r"不正(な)?(利用|請求|引き落とし|ログイン|注文|決済)|身に覚えの(ない|無い)|乗っ取|なりすまし"),
    (
        "secondary_damage",
        r"(ダイレクトメール|dm|チラシ|勧誘|営業)(の電話)?(が|も)(届|来|増|くる|きて)|勧誘の電話|セールスの電話",
    ),
    (
        "secondary_damage",
        r"(facebook|フェイスブック|インスタ|instagram|twitter|ツイッター|line|amazon|アマゾン|楽天|sns|アカウント)[^。]{0,10}(不正(に)?(アクセス|ログイン)|乗っ取)",
    ),
    ("secondary_damage", r"メイワクメール|フセイリヨウ|サギ"),
    (
        "secondary_damage",
        r"(知らない|見知らぬ|覚えのない)(番号|人|相手)からの?(着信|電話|連絡)|を装った|を名乗る|覚えのない|(カタログ|郵便物|dm|チラシ)[^。]{0,6}届|someone tried|strange (sms|email|call)|claiming to be",
    ),
    (
        "secondary_damage",
        r"scam|suspicious (call|email|mail|message|sms)|fraudulent|unauthori[sz]ed (charge|login|purchase)|hijack",
    ),
    # cause_prevention: how and why it happened, when, the contractor, measures against recurrence.
    ("cause_prevention", r"原因|経緯|再発防止|再発を防|防止策|再発しない"),
    (
        "cause_prevention",
        r"(なぜ|なんで|どうして|何故)[^。]{0,24}(漏|流出|起き|発生|防げ|不正アクセス|盗まれ|ハッキング|攻撃)",
    ),
    ("cause_prevention", r"(今後|再発|貴社|御社|会社|セキュリティ|管理)の?(対策|防止策|体制|管理体制)"),
    (
        "cause_prevention",
        r"いつ(から|頃|ごろ|の時点で)?[^。]{0,6}(漏|流出|発生|不正アクセス|起き|発覚|気づ|把握)|(発生|発覚)(した)?(日時|時期|日)|委託先|外部業者|下請け|委託業者",
    ),
    ("cause_prevention", r"(攻撃|アクセス|事故|事件|漏えい|漏洩|流出)[^。]{0,10}いつ|ゲンイン|サイハツ"),
    (
        "cause_prevention",
        r"仕組み|どうやって[^。]{0,10}(抜|盗|漏|入)|保守を(任せ|委託)|二度と(起|発生)|同じこと(が|を)[^。]{0,6}(起|繰り返)|when did the (attack|breach|leak)|how were",
    ),
    (
        "cause_prevention",
        r"how (did|could) (this|it) happen|\bwhy did\b|root cause|prevent (this|it|a)|(security|preventive) measures",
    ),
    # regulator: PPC, police, ministries.
    (
        "regulator",
        r"個人情報保護委員会|監督官庁|所管(の)?(省庁|官庁)|総務省|経済産業省|経産省|金融庁|消費者庁|警察|被害届|ppc|行政(へ|に)",
    ),
    (
        "regulator",
        r"(国|当局|役所)(へ|に)(の)?(報告|届|連絡)|(報告|届け?出)(は)?(済|した|している|されて|されました)(の)?(か|でしょうか)",
    ),
    (
        "regulator",
        r"ケイサツ|警視庁|県警|府警|(委員会|役所|官公庁)(へ|に)の?(報告|届|連絡|相談)|data protection (authority|agency)",
    ),
    ("regulator", r"regulator|police|authorit(y|ies)|protection commission"),
    # protective_advice: what the sender should do now.
    (
        "protective_advice",
        r"(どう|どのように|何を|なにを|どうやって)(すれば|したら|したらよい|対処|対応すれば|気をつけ|注意すれば|身を守)",
    ),
    (
        "protective_advice",
        r"(カード|クレジットカード)(を|は)?(止め|停止|再発行|解約|作り直|変え|交換)(る|た|ない|れば|るべき|べき|ほうが|た方|てもら)",
    ),
    (
        "protective_advice",
        r"(パスワード|メールアドレス|アドレス|電話番号)(を|は|も)?(変更|変え)(する|した|る|れば|べき|ほうが|た方|なければ|ないと|必要|るべき)",
    ),
    (
        "protective_advice",
        r"(変更|再発行|停止|解約)(を)?(した方が|したほうが|すべき|する必要|しなければ|したらいい)|変え(なければ|ないと|るべき|た方が|たほうが)(いけ|なら|だめ|いい|よい)|注意(すべき|すればいい|点)|気をつけ(る|れば|たら)(べき|いい|よい)",
    ),
    ("protective_advice", r"(パスワード|カード)[^。]{0,4}(カエ|トメ|ヘンコウ)"),
    (
        "protective_advice",
        r"自分で(できる|出来る)(対策|こと)|(連絡|相談|問い合わせ)(した|する)(ほうが|方が)(いい|よい)|やるべきこと|手をつければ|変えるべき|stay safe|anything (i|we) should do|steps (i|we) should take",
    ),
    ("protective_advice", r"what should (i|we) do|should (i|we) (change|cancel|replace|reset)|how (can|do) i protect"),
    # complaint: dissatisfied with how the response is handled.
    (
        "complaint",
        r"(対応|返信|返事|回答|連絡|説明)(が|も|は)?(遅|ない|来ない|こない|無い|ありません|いただけ(ない|ません)|もらえ(ない|ません)|一切ない|不十分|なって(い)?ない)",
    ),
    (
        "complaint",
        r"(誠意|真摯さ|反省|危機感)(が|の)?(ない|無い|感じられ|見え|足りない|かけら)|不誠実|ずさん|杜撰|いい加減|ふざけ|舐め|なめて|呆れ|あきれ|憤り|腹が立|腹立|許せ|最悪|不信感|不満|不愉快|納得(できない|できません|いかない|いきません|がいかない)|今更|いまさら",
    ),
    (
        "complaint",
        r"マニュアル(通り|どおり|を読|的)|テンプレ|定型文|棒読み|コピペ|たらい回し|(電話|窓口)(が|も)?(つながら|繋がら|話し中)",
    ),
    (
        "complaint",
        r"(公表|発表|通知|お知らせ|連絡)(が|も)?(遅(い|すぎ|れ|かった)|今更|いまさら)|(一週間|1週間|何日|数日|半月|ひと月)(も|たって|経って|以上)[^。]{0,10}(返信|回答|連絡|返事|音沙汰)",
    ),
    (
        "complaint",
        r"音沙汰|他人事|不快|使い回し|バラバラ|時間が(かかり|掛かり)すぎ|誠実さ(が|に)欠け|reads? from a script|very poor|terrible service",
    ),
    (
        "complaint",
        r"失礼(だ|な対応|極まり|すぎ)|謝罪(の言葉)?(が|も)?(ない|なし|足りない|だけ)|馬鹿にして|ゾンザイ|ハラガタ",
    ),
    (
        "complaint",
        r"disappointed|unacceptable|no (reply|response|answer)|(too )?slow (response|reply)|scripted|insincere|outrageous|not (received|got) (any|a) (reply|response)",
    ),
    # press: a media request.
    (
        "press",
        r"取材|記者|編集部|報道(部|局|機関)|(新聞|通信|放送|テレビ)(社|局)(の|で)|番組(制作|ディレクター|担当)|掲載(予定|させて)|コメントを(いただ|頂|求め|お願い)|記事(化|を執筆)",
    ),
    (
        "press",
        r"編集者|業界紙|専門紙|お話を(聞かせ|伺)|writing (a|an) (piece|article)|for (a|our) (blog|magazine|newspaper|podcast)",
    ),
    (
        "press",
        r"press (inquiry|enquiry)|journalist|reporter|newsroom|editorial|for (an|our) (article|story)|request for comment",
    ),
]


def _rule_ids() -> list[str]:
    """Name each rule ``<label>.<n>`` (its position among the rules of its label, from 1): stable while appended."""
    seen: dict[str, int] = {}
    ids = []
    for rule in RULES:
        seen[rule[0]] = seen.get(rule[0], 0) + 1
        ids.append(f"{rule[0]}.{seen[rule[0]]}")
    return ids


RULE_IDS: list[str] = _rule_ids()
COMPILED: list[tuple[str, str, re.Pattern[str], re.Pattern[str] | None]] = [
    (rule_id, rule[0], re.compile(rule[1]), re.compile(rule[2]) if len(rule) == 3 else None)
    for rule_id, rule in zip(RULE_IDS, RULES, strict=True)
]
BY_ID = {rule_id: label for rule_id, label, _, _ in COMPILED}
# A sentence ends at 。！？!? or a line break, or at a full stop followed by a space (English).
_SENTENCE = re.compile(r"[^。！？!?\n]+?(?=[。！？!?\n]|\.\s|$)\.?")


@dataclass(frozen=True)
class Hit:
    """A rule that matched: its id, its label and the span of the match in the normalised text."""

    rule: str
    label: str
    start: int
    end: int

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "start": self.start, "end": self.end}


def sentences(normalised: str) -> list[tuple[int, str]]:
    """Return the sentences of ``normalised`` text with their offsets."""
    return [(m.start(), m.group(0)) for m in _SENTENCE.finditer(normalised) if m.group(0).strip()]


def hits(normalised: str) -> list[Hit]:
    """Return every rule that matched a sentence of ``normalised`` text, once per rule, first match first."""
    found: dict[str, Hit] = {}
    for offset, sentence in sentences(normalised):
        for rule_id, label, pattern, unless in COMPILED:
            if rule_id in found:
                continue
            match = pattern.search(sentence)
            if match is None or (unless is not None and unless.search(sentence)):
                continue
            found[rule_id] = Hit(rule_id, label, offset + match.start(), offset + match.end())
    return sorted(found.values(), key=lambda h: (h.start, h.rule))


def match(sentences_: list[str]) -> dict[str, list[str]]:
    """Return, per label, the ids of the rules that matched ``sentences_`` (kept for callers of the old interface)."""
    evidence: dict[str, list[str]] = {}
    for hit in hits("\n".join(sentences_)):
        evidence.setdefault(hit.label, []).append(hit.rule)
    return evidence
