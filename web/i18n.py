"""The patient page's own words (not the bot's) in English and Korean. The
page starts in English and follows the conversation: a bot reply carrying
`"custom": {"lang": "ko"}` switches it (web/static/chat.js)."""
from __future__ import annotations

from typing import Dict

STRINGS: Dict[str, Dict[str, str]] = {
    "en": {
        "page_title": "Pre-screening for study {study}",
        "skip": "Skip to the chat",
        "about_title": "About this study",
        "summary": "",  # the trial's own summary (trials/<id>/texts.en.yml)
        # A site that screens for several studies at once.
        "page_title_several": "Clinical trial pre-screening at {hospital}",
        "about_title_several": "The studies this assistant checks",
        "note": "This assistant only checks whether the study might fit. It is not a diagnosis and not enrollment; "
                "the study team makes every decision. In an emergency call 119 or go to the nearest emergency room.",
        "chat_title": "Pre-screening chat",
        "log_label": "Conversation with the pre-screening assistant",
        "intro": "About 5 minutes of short questions, answered by you or by someone on your behalf.",
        "start": "Start the pre-screening",
        "typing": "The assistant is typing…",
        "unreachable": "We couldn't reach the assistant. Your message is kept below; please try again. "
                       "If this is an emergency, call 119 now.",
        "retry": "Retry",
        "retry_first": "Your earlier message has not been sent yet. Press Retry to send it first; what you typed "
                       "is kept. If this is an emergency, call 119 now.",
        "queued": "Your message will be sent as soon as the assistant has answered.",
        "no_answer": "Sorry, I have no answer to that. Please try again.",
        "answer_label": "Your answer",
        "send": "Send",
        "hint": "Type freely or use the buttons. You can say \"why do you ask?\", \"go back\" or \"stop\" at any time.",
        "choices": "Suggested answers",
        "you": "You: ",
        "assistant": "Assistant: ",
        "hidden": "(hidden for privacy)",
        "end": "End and clear this chat",
        "end_hint": "On a shared computer, end the chat when you are done: this page forgets the conversation. "
                    "Your answers stay with the study team. The chat also ends after {minutes} minutes without use.",
        "end_confirm": "End this chat and clear it from this page?",
        "ended": "The chat has ended and was cleared from this page. You can start again at any time.",
        "expired": "Your earlier chat ended because it was not used for a while. You can start a new one.",
        "end_failed": "The chat could not be ended. Please try again.",
    },
    "ko": {
        "page_title": "{study} 임상시험 사전 확인",
        "skip": "채팅으로 바로 가기",
        "about_title": "이 임상시험에 대해",
        "summary": "",  # the trial's own summary (trials/<id>/texts.ko.yml)
        "page_title_several": "{hospital} 임상시험 사전 확인",
        "about_title_several": "이 도우미가 확인하는 임상시험",
        "note": "이 도우미는 임상시험에 맞을 수 있는지만 확인해요. 진단이나 등록이 아니며, 모든 결정은 연구팀이 해요. "
                "응급 상황이면 119에 전화하거나 가까운 응급실로 가세요.",
        "chat_title": "사전 확인 채팅",
        "log_label": "사전 확인 도우미와의 대화",
        "intro": "짧은 질문에 5분 정도 답하시면 돼요. 본인이나 보호자가 대신 답하셔도 돼요.",
        "start": "사전 확인 시작하기",
        "typing": "도우미가 답을 쓰고 있어요…",
        "unreachable": "도우미와 연결하지 못했어요. 입력하신 메시지는 아래에 그대로 있으니 "
                       "다시 시도해 주세요. 응급 상황이면 지금 바로 119에 전화하세요.",
        "retry": "다시 시도",
        "retry_first": "앞의 메시지가 아직 전송되지 않았어요. 먼저 '다시 시도'를 눌러 주세요. "
                       "입력하신 내용은 그대로 있어요. 응급 상황이면 지금 바로 119에 전화하세요.",
        "queued": "도우미가 답하면 바로 메시지를 보낼게요.",
        "no_answer": "죄송해요, 그 말씀에는 답을 드리지 못했어요. 다시 한번 말씀해 주세요.",
        "answer_label": "답변",
        "send": "보내기",
        "hint": "자유롭게 입력하시거나 버튼을 누르세요. "
                "언제든지 \"왜 물어보세요?\", \"이전으로\", \"그만\"이라고 하실 수 있어요.",
        "choices": "답변 선택지",
        "you": "나: ",
        "assistant": "도우미: ",
        "hidden": "(개인정보 보호를 위해 가림)",
        "end": "채팅 끝내고 지우기",
        "end_hint": "여러 사람이 쓰는 컴퓨터라면 다 마친 뒤 채팅을 끝내 주세요. 이 화면에서 대화가 지워져요. "
                    "답변은 연구팀에 그대로 남아요. {minutes}분 동안 사용하지 않아도 채팅이 끝나요.",
        "end_confirm": "채팅을 끝내고 이 화면에서 지울까요?",
        "ended": "채팅이 끝났고 이 화면에서 지워졌어요. 언제든지 다시 시작하실 수 있어요.",
        "expired": "한동안 사용하지 않아 이전 채팅이 끝났어요. 새로 시작하실 수 있어요.",
        "end_failed": "채팅을 끝내지 못했어요. 다시 시도해 주세요.",
    },
}
assert STRINGS["en"].keys() == STRINGS["ko"].keys()


# What this server itself answers in the chat when a message cannot reach the
# bot: shown by the page as the reply. {emergency} is the site's emergency line.
REPLIES: Dict[str, Dict[str, str]] = {
    "en": {
        "restarting": "The assistant is restarting and should be back within a minute. Your message is kept and "
                      "will be sent again on its own. If this is an emergency, call {emergency} now.",
        "too_many_chats": "Many new chats have been started from this connection in a short time, so a new one "
                          "can't start just now. Please try again in a few minutes. If this is an emergency, "
                          "call {emergency} now.",
        "too_fast": "Messages are arriving faster than I can answer them. Please wait a moment, then send your "
                    "message again; what you typed is kept. If this is an emergency, call {emergency} now.",
    },
    "ko": {
        "restarting": "도우미가 다시 시작하는 중이에요. 1분 안에 돌아올 거예요. 입력하신 메시지는 그대로 있고, "
                      "자동으로 다시 보낼게요. 응급 상황이면 지금 바로 {emergency}에 전화하세요.",
        "too_many_chats": "이 연결에서 짧은 시간에 새 채팅이 많이 시작되어 지금은 새 채팅을 시작할 수 없어요. "
                          "몇 분 뒤에 다시 시도해 주세요. 응급 상황이면 지금 바로 {emergency}에 전화하세요.",
        "too_fast": "메시지가 너무 빨리 와서 답을 드리지 못했어요. 잠시 기다렸다가 다시 보내 주세요. "
                    "입력하신 내용은 그대로 있어요. 응급 상황이면 지금 바로 {emergency}에 전화하세요.",
    },
}
assert REPLIES["en"].keys() == REPLIES["ko"].keys()


def reply(key: str, lang: str, emergency: str) -> str:
    """One of this server's own replies, in the chat's language."""
    return REPLIES.get(lang, REPLIES["en"])[key].format(emergency=emergency)


def strings(lang: str, **values: object) -> Dict[str, str]:
    table = STRINGS.get(lang, STRINGS["en"])
    return {k: v.format(**values) if "{" in v else v for k, v in table.items()}
