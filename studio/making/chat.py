"""A page's chat with the model: a google-genai Chat, its turns, and their persistence.

The Chat keeps the model's own content, thought signatures included; undo and branch
rebuild it from a prefix of that history. After every turn the conversation is saved,
so it survives a browser refresh and can be resumed another day.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from google import genai
from google.genai import types

from studio.gallery.conversations import Conversation
from studio.gallery.records import GalleryItem
from studio.gallery.store import GalleryStore
from studio.gemini.attempts import OnRetry
from studio.gemini.budget import (
    MB,
    ContentCosts,
    Cost,
    Limits,
    Plan,
    history_target_bytes,
    left_out_note,
    max_request_bytes,
    message_cost,
    page_turn_numbers,
    plan_request,
)
from studio.gemini.calls import OnUpdate, send_in_chat
from studio.gemini.catalog import Catalog
from studio.gemini.requests import build_config
from studio.gemini.results import Result, ResultBuilder
from studio.gemini.settings import GenerationSettings
from studio.making.attachments import Attachment, attachment_from_item, too_many_references
from studio.making.keeping import Keeper, Origin
from studio.making.turns import AnswerFacts, Turn, turn_parts
from studio.making.wording import record

FAMILY_KEYS = ("parent_id", "branch_turn", "root_id")  # kept in the settings record
INTERRUPTED = ("The answer was interrupted before it finished (the page was left or stopped). "
               "What arrived is kept; send the message again to continue.")
STOPPED = "Stopped at your request. What arrived is kept; Retry to try again."


class TooManyReferences(ValueError):
    """More images in one message than the model takes; `str(exc)` says what to do."""


class PageChat:
    """One conversation of one page."""

    def __init__(
        self,
        *,
        page: str,
        client: genai.Client,
        store: GalleryStore,
        catalog: Catalog,
        model: str,
        engine: str,
        conversation_id: str | None = None,
        title: str = "",
        history: list[types.Content] | None = None,
        turns: list[Turn] | None = None,
        start: Attachment | None = None,
    ) -> None:
        self.page = page
        self.id = conversation_id or uuid.uuid4().hex
        self.title = title
        self.store = store
        self.catalog = catalog
        self.engine = engine
        self.model = model
        self.turns: list[Turn] = turns or []
        self.start = start  # the image an edit conversation starts from, if any
        self.client = client  # held so the Chat's client is never garbage-collected
        self.chat = client.chats.create(model=model, history=list(history or []))
        self._costs = ContentCosts()  # the meter is drawn on every rerun
        self.undone: list[tuple[Turn, list[types.Content]]] = []  # for Redo, newest last
        # Held while a turn is sent: a Stop click starts a new run at once (fastReruns), and
        # that run waits here for the old one to record what arrived.
        self.sending = threading.Lock()
        self.family: dict[str, Any] = {}  # parent_id, branch_turn, root_id: see branches.py

    # -- the conversation ---------------------------------------------------------------

    @property
    def history(self) -> list[types.Content]:
        return list(self.chat.get_history(curated=True))

    def last_image_id(self) -> str | None:
        for turn in reversed(self.turns):
            if turn.image_ids:
                return turn.image_ids[-1]
        return self.start.item_id if self.start else None

    def send(
        self,
        instruction: str,
        settings: GenerationSettings,
        *,
        prompt: str | None = None,
        attachments: list[Attachment] | None = None,
        on_update: OnUpdate | None = None,
        secrets: tuple[str | None, ...] = (),
        system_instruction: str | None = None,
        inputs: dict[str, Any] | None = None,
        on_retry: OnRetry | None = None,
    ) -> tuple[Turn, Result]:
        """Send one message; the answer streams to `on_update` and is saved as it arrives.
        `inputs` are the page's form values, kept so "reuse prompt" can refill them.
        Raises TooManyReferences before sending when the model takes fewer images."""
        attachments = list(attachments or [])
        if self.start is not None and not self.history:
            attachments.insert(0, self.start)  # the first message carries the start image
        info = self.catalog.get(settings.model)
        if problem := too_many_references(len(attachments), info):
            raise TooManyReferences(problem)
        self._follow_model(settings.model)
        message: list[types.Part | str] = [a.part() for a in attachments]
        message.append(prompt or instruction)
        config = build_config(settings, info, system_instruction=system_instruction,
                              aspect_ratio=not self._has_image())
        origin = Origin(page=self.page, prompt=prompt or instruction, engine=self.engine,
                        conversation_id=self.id, turn=len(self.turns),
                        parent_id=self.last_image_id(),
                        extra={**({"inputs": inputs} if inputs else {}),
                               **record(self.title or instruction, instruction)})
        keeper = Keeper(self.store, settings, origin)
        plan = self.plan(message_cost(message), settings.model)
        note = self._left_out_note(plan)
        seen: list[Result] = []

        def arrived(partial: Result) -> None:
            seen[:] = [partial]
            keeper.save_new(partial)  # kept at once: a rerun or a crash loses nothing shown
            if on_update is not None:
                on_update(partial)

        kept = [a.item_id for a in attachments if a is not self.start]
        self.undone.clear()  # a new turn replaces what was undone
        with self.sending:  # see branches.wait_until_idle
            # Leaving turns out of one request must not forget them: send from a Chat on the
            # planned history, then append the new turn to the whole history.
            sender = self.chat if not plan.left_out else \
                self.client.chats.create(model=self.model, history=plan.history)
            try:
                result = send_in_chat(sender, message, settings, info, config,
                                      on_update=arrived, secrets=secrets, on_retry=on_retry)
            except BaseException:  # Streamlit stops a script run by raising; keep what arrived,
                # or at least the instruction, so Retry can send it again
                arrived_so_far = seen[0] if seen else ResultBuilder(settings.model).result
                self._append_turn(instruction, arrived_so_far, keeper.items, settings, kept,
                                  message=INTERRUPTED, note=note, prompt=prompt)
                raise
            if sender is not self.chat:
                added = sender.get_history(curated=True)[len(plan.history):]
                if added:
                    self.chat = self.client.chats.create(model=self.model,
                                                         history=[*self.history, *added])
            items = keeper.finish(result)
            text = result.message
            if result.error is not None and result.error.kind == "too_large":
                text = f"{text} This request was about {plan.cost.bytes / MB:.1f} MB."
            turn = self._append_turn(instruction, result, items, settings, kept,
                                     message=text, note=note, prompt=prompt)
            return turn, result

    def plan(self, message: Cost | None = None, model: str | None = None) -> Plan:
        """What the next request would send, within the size limit and the model's input
        limit, kept to the working history size; the meter beside the chat shows how full
        it is."""
        info = self.catalog.get(model or self.model)
        limits = Limits(max_request_bytes(), info.input_token_limit, history_target_bytes())
        history = self.history
        return plan_request(history, message or Cost(), limits, info.input_image_tokens,
                            cost_of=self._costs.keep_only(history))

    def _left_out_note(self, plan: Plan) -> str | None:
        if not plan.left_out:
            return None
        numbers = page_turn_numbers(self.history, plan.left_out,
                                    [t.history_len for t in self.turns])
        return left_out_note(numbers, plan)

    def _append_turn(self, instruction: str, result: Result, items: list[GalleryItem],
                     settings: GenerationSettings, attachments: list[str],
                     *, message: str | None, note: str | None = None,
                     prompt: str | None = None) -> Turn:
        turn = Turn(
            instruction=instruction,
            parts=turn_parts(result, [i.id for i in items]),
            message=message,
            facts=AnswerFacts.of(result, settings, self.engine),
            history_len=len(self.history),
            attachments=attachments,
            note=note,
            prompt=prompt if prompt != instruction else None,
            grounding=result.grounding.to_record() if result.grounding else {},
        )
        self.turns.append(turn)
        if not self.title:
            self.title = instruction.strip().splitlines()[0][:80] if instruction.strip() else ""
        self.save(settings)
        return turn

    def _has_image(self) -> bool:
        return self.start is not None or any(t.image_ids for t in self.turns)

    def _follow_model(self, model: str) -> None:
        """A Chat is bound to one model: switching models carries the history over."""
        if model != self.model:
            self.model = model
            self.chat = self.client.chats.create(model=model, history=self.history)

    def undo(self) -> None:
        """Drop the last turn, and its content from what the model will see; Redo brings
        it back while no new turn has been sent (kept in memory only)."""
        if self.turns:
            before = self.turns[-2].history_len if len(self.turns) > 1 else 0
            self.undone.append((self.turns[-1], self.history[before:]))
            self.branch(len(self.turns) - 2)

    def redo(self) -> None:
        if self.undone:
            turn, contents = self.undone.pop()
            self.chat = self.client.chats.create(model=self.model,
                                                 history=[*self.history, *contents])
            self.turns.append(turn)
            self.save()

    def branch(self, index: int) -> None:
        """Continue from turn `index` (-1: from the start): later turns are dropped."""
        keep = self.turns[: index + 1]
        history_len = keep[-1].history_len if keep else 0
        self.chat = self.client.chats.create(model=self.model, history=self.history[:history_len])
        self.turns = keep
        self.save()

    def rebind(self, client: genai.Client, engine: str, catalog: Catalog) -> None:
        """Carry the conversation over to another client (the engine or key changed)."""
        self.catalog = catalog
        if client is not self.client:
            history = self.history
            self.client, self.engine = client, engine
            self.chat = client.chats.create(model=self.model, history=history)

    # -- persistence --------------------------------------------------------------------

    def save(self, settings: GenerationSettings | None = None) -> None:
        record = settings.to_record() if settings else {}
        record["start_item_id"] = self.start.item_id if self.start else None
        record.update(self.family)
        self.store.save_conversation(
            Conversation(
                id=self.id,
                page=self.page,
                title=self.title,
                model=self.model,
                settings=record,
                history=self.history,
                transcript=[t.to_json() for t in self.turns],
            )
        )

    @classmethod
    def resume(cls, store: GalleryStore, conversation_id: str, client: genai.Client,
               engine: str, catalog: Catalog) -> PageChat | None:
        """Rebuild a saved conversation; the next turn continues it."""
        conv = store.load_conversation(conversation_id)
        if conv is None:
            return None
        start_id = conv.settings.get("start_item_id")
        chat = cls(
            page=conv.page,
            client=client,
            store=store,
            catalog=catalog,
            model=conv.model,
            engine=engine,
            conversation_id=conv.id,
            title=conv.title,
            history=conv.history,
            turns=[Turn.from_json(t) for t in conv.transcript],
            start=attachment_from_item(store, start_id) if start_id else None,
        )
        chat.family = {k: conv.settings[k] for k in FAMILY_KEYS if k in conv.settings}
        return chat
