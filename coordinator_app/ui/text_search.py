"""Which students' search keys contain what the coordinator typed, within a frame.

The list holds up to 100,000 keys in the order they are shown. Scanning them all costs ~5 ms
(twice that on a busy machine) and the repaint as much again, so a keystroke avoids the scan
where it can (performance.md s.3):

- every answer is remembered (up to a million positions, 8 MB, per kind of answer) until the
  keys change, so Backspace, retyping a search and the first letters typed again are look-ups;
- an answer is looked for only within the smallest remembered answer of a part of the text
  (typing one more character searches only the rows shown), not among all keys;
- a key is split into the student's own part (number, name, e-mail up to the @) and the e-mail
  domain, which thousands of students share: "e", "de" or "student.r" is found in the few
  domains and stands for all their students at once, and only the own parts are scanned;
- a scan runs in C (itertools over `str.__contains__`), and a rare text is found with `str.find`
  hopping over one joined string;
- two or more words ("meijer fatima", "kim lea", as a name is written in the list or in a mail)
  also find a student whose number and name have a word starting with each of them, in any
  order: the longest word, with the space before it, is looked up in the own parts (remembered,
  as above), and the others checked only among what it found.
Plain Python, no Qt: the model (student_model.py) maps the answers to rows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Iterable
from itertools import accumulate, compress, repeat
from operator import add, contains

_FEW_HITS = 3000  # up to this many hits str.find hopping over the joined keys is quicker than a scan
_KEEP = 1_000_000  # positions kept in remembered answers, per scan (8 bytes each; the ints are shared)
_DOMAINS = 255  # at most this many shared domains; a student of any other keeps it in the own part


class _Remembering:
    """Remembers answers by text, the most recently used last, and forgets the oldest past _KEEP."""

    def __init__(self) -> None:
        self._forget()

    def _forget(self) -> None:
        self._answers: dict[str, list[int]] = {}
        self._kept = 0

    def find(self, text: str) -> list[int]:
        """Positions (ascending) of the keys containing `text`. The list is shared: never change it."""
        answer = self._answers.pop(text, None)
        if answer is None:
            answer = self._search(text)
            self._kept += len(answer)
        self._answers[text] = answer
        while self._kept > _KEEP and len(self._answers) > 1:
            oldest = next(iter(self._answers))
            self._kept -= len(self._answers.pop(oldest))
        return answer

    def _search(self, text: str) -> list[int]:
        raise NotImplementedError


class _Scan(_Remembering):
    """Positions (ascending) of the keys that contain a text."""

    def __init__(self, keys: list[str], positions: list[int]) -> None:
        super().__init__()
        joined = "\n".join(keys)
        laid_out = joined.split("\n") if keys else []
        if len(laid_out) != len(keys):  # a key with a newline in it: one key stays one key
            joined = "\n".join(key.replace("\n", " ") for key in keys)
            laid_out = joined.split("\n")
        # Fresh copies next to each other in memory: scanning keys scattered over the heap in
        # sort order is ~3x slower at 100k.
        self._keys = laid_out
        self._joined = joined
        self._starts = list(accumulate(map(add, map(len, laid_out), repeat(1)), initial=0))
        self._all = positions  # 0..n-1, whose int objects every answer shares

    def _search(self, text: str) -> list[int]:
        if not text:
            return self._all
        within = min((answer for part, answer in self._answers.items() if part and part in text), key=len, default=None)
        if within is not None:
            # A key containing `text` contains each part of it: look only where the part was found.
            return list(compress(within, map(contains, map(self._keys.__getitem__, within), repeat(text))))
        found = self._find_few(text) if len(text) > 1 else None
        if found is not None:
            return found
        return list(compress(self._all, map(contains, self._keys, repeat(text))))

    def _find_few(self, text: str) -> list[int] | None:
        """str.find hops from hit to hit over the joined keys in C; None past _FEW_HITS hits (a
        common text: a scan is quicker, and giving up early costs less than counting first)."""
        joined, starts, keys, all_ = self._joined, self._starts, self._keys, self._all
        found: list[int] = []
        at = joined.find(text)
        while at >= 0:
            position = bisect_right(starts, at) - 1
            if text in keys[position]:  # not a hit that spans two keys
                if len(found) == _FEW_HITS:
                    return None
                found.append(all_[position])
            at = joined.find(text, starts[position + 1])
        return found


class TextSearch(_Remembering):
    """Positions (ascending) of the students whose key, own part + domain, contains a text.

    A domain is "" or starts with "@", so a text without an @ cannot straddle the two parts:
    it is in the key exactly when it is in the own part or in the domain.
    """

    def __init__(self) -> None:
        self.lay_out((), ())

    def lay_out(self, owns: Iterable[str], domains: Iterable[str]) -> None:
        """New keys (a refill, a sort, a quick filter, an edit), in the order shown: forget every answer."""
        owns, domains = list(owns), list(domains)
        self._owns, self._domains = owns, domains
        index: dict[str, int] = {}
        counts = Counter(domains)
        counts.pop("", None)
        for domain, _count in counts.most_common(_DOMAINS):
            index[domain] = len(index)
        if len(index) < len(counts):  # a rare domain: its students keep it in the own part
            owns = [own if domain in index else own + domain for own, domain in zip(owns, domains)]
        self._shared = list(index)  # the shared domains, by number
        # Each student's domain number; len(index) for none (or a rare one): never found in a domain.
        self._group = bytes(map(index.get, domains, repeat(len(index))))
        self._present = set(self._group)
        self._all = list(range(len(owns)))
        self._own = _Scan(owns, self._all)
        self._whole: _Scan | None = None  # own part + domain: for a text with an @ in it
        self._domain_members: dict[int, list[int]] = {}
        self._forget()

    def key(self, position: int) -> tuple[str, str]:
        return self._owns[position], self._domains[position]

    def forget_answers(self) -> None:
        """Forget every remembered answer (the keys stay laid out)."""
        self._forget()
        self._own._forget()
        self._whole = None
        self._domain_members = {}

    def _search(self, text: str) -> list[int]:
        phrase = self._phrase(text)
        words = text.split()
        if len(words) < 2 or "@" in text:
            return phrase
        # As typed ("de v" finds "de Vries") or each word starting a word of the number or name.
        named = self._every_word(words)
        if not named or len(phrase) == len(self._all):
            return phrase
        if not phrase:
            return named
        either = bytearray(len(self._all))
        deque(map(either.__setitem__, phrase, repeat(1)), maxlen=0)
        deque(map(either.__setitem__, named, repeat(1)), maxlen=0)
        return list(compress(self._all, either))

    def _every_word(self, words: list[str]) -> list[int]:
        """Positions of the students with a word of their number or name starting with each word: in
        the own key every such word, and only such a word, comes after a space (list_rows._whole_key)."""
        starts = [f" {word}" for word in words]
        longest = max(starts, key=len)
        found = self._own.find(longest)  # remembered, and looked for within shorter answers, as any text
        keys = self._own._keys
        for start in starts:
            if start != longest and found:
                found = list(compress(found, map(contains, map(keys.__getitem__, found), repeat(start))))
        return found

    def _phrase(self, text: str) -> list[int]:
        """Positions of the students whose key contains `text` as typed."""
        if not text:
            return self._all
        if "@" in text:
            if self._whole is None:
                self._whole = _Scan(list(map(add, self._owns, self._domains)), self._all)
            return self._whole.find(text)
        hit = {number for number, domain in enumerate(self._shared) if text in domain}
        if hit >= self._present:
            return self._all  # every student shown has it in the domain: no scan
        own = self._own.find(text)
        if not hit:
            return own
        if not own and len(hit) == 1:  # "student.rug": one domain's students
            return self._members(hit.pop())
        # The students of the domains that hold the text, and the others who have it in their own part.
        flags = bytearray(self._group.translate(bytes(number in hit for number in range(256))))
        deque(map(flags.__setitem__, own, repeat(1)), maxlen=0)
        return list(compress(self._all, flags))

    def _members(self, number: int) -> list[int]:
        """The positions of one domain's students (made when first asked)."""
        members = self._domain_members.get(number)
        if members is None:
            members = list(compress(self._all, self._group.translate(bytes(n == number for n in range(256)))))
            self._domain_members[number] = members
        return members
