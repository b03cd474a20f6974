#!/usr/bin/env python3
"""notes: keep short notes in one JSON file; an mcpq plugin written with argparse.

mcpq reads this file's --help to learn its commands and flags, so argparse is the
whole contract: no manifest needed. Every run prints one JSON object on stdout,
{"ok": true, ...} on success and {"ok": false, "error": ...} with a non-zero exit
on failure, which mcpq stores as the job record's result.output.

Where the notes live: $NOTES_FILE, else $MCPQ_QUEUE/results/notes.json (mcpq sets
MCPQ_QUEUE for every job), else ~/.mcpq/queue/results/notes.json.

    python3 cli.py add --title "Renew TLS cert" --tag ops --tag urgent --priority high
    python3 cli.py list --tag ops
    python3 cli.py search --text cert
    python3 cli.py delete --id 3
"""
import argparse
import datetime
import fcntl
import json
import os
import sys
import tempfile

PRIORITIES = ["low", "normal", "high"]


def notes_path():
    if os.environ.get("NOTES_FILE"):
        return os.environ["NOTES_FILE"]
    queue = os.environ.get("MCPQ_QUEUE") or os.path.join(os.path.expanduser("~"), ".mcpq", "queue")
    return os.path.join(queue, "results", "notes.json")


class Store:
    """The notes file, locked for the whole command so that two runs cannot lose
    each other's notes (mcpq runs one notes job at a time, people may not)."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        self.lock = open(self.path + ".lock", "a")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        try:
            with open(self.path, encoding="utf-8") as f:
                self.data = json.load(f)
        except FileNotFoundError:
            self.data = {"next_id": 1, "notes": []}
        return self

    def save(self):
        # write a temp file and rename it: a crash never leaves half a file
        folder = os.path.dirname(os.path.abspath(self.path))
        fd, temp = tempfile.mkstemp(prefix=".notes-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self.data, f, indent=2)
            f.write("\n")
        os.replace(temp, self.path)

    def __exit__(self, *exc):
        self.lock.close()


def matches(note, args):
    if args.tag and not set(args.tag) <= set(note["tags"]):
        return False
    if getattr(args, "priority", None) and note["priority"] != args.priority:
        return False
    return True


def cmd_add(args, store):
    note = {
        "id": store.data["next_id"],
        "title": args.title,
        "body": args.body or "",
        "tags": sorted(set(args.tag or [])),
        "priority": args.priority,
        "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    store.data["next_id"] += 1
    store.data["notes"].append(note)
    store.save()
    return {"note": note}


def cmd_list(args, store):
    notes = [n for n in store.data["notes"] if matches(n, args)]
    notes.sort(key=lambda n: (-PRIORITIES.index(n["priority"]), n["id"]))
    return {"count": len(notes), "notes": notes[: args.limit] if args.limit else notes}


def cmd_search(args, store):
    text = args.text.lower()
    found = [
        n for n in store.data["notes"]
        if matches(n, args) and (text in n["title"].lower() or text in n["body"].lower())
    ]
    return {"count": len(found), "notes": found[: args.limit] if args.limit else found}


def cmd_delete(args, store):
    kept = [n for n in store.data["notes"] if n["id"] != args.id]
    if len(kept) == len(store.data["notes"]):
        raise LookupError(f"no note with id {args.id}")
    store.data["notes"] = kept
    store.save()
    return {"deleted": args.id}


class JsonErrors(argparse.ArgumentParser):
    """Usage mistakes are reported as JSON too, so a caller always gets an object."""

    def error(self, message):
        print(json.dumps({"ok": False, "error": message, "usage": self.format_usage().strip()}))
        sys.exit(2)


def build_parser():
    parser = JsonErrors(prog="notes", description="Keep short notes in a JSON file.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=JsonErrors)

    add = sub.add_parser("add", help="add a note", description="Add a note.")
    add.add_argument("--title", required=True, help="one line that says what the note is about")
    add.add_argument("--body", help="the text of the note")
    add.add_argument("--tag", action="append", help="a tag (repeatable)")
    add.add_argument("--priority", choices=PRIORITIES, default="normal", help="default: normal")
    add.set_defaults(run=cmd_add)

    lst = sub.add_parser("list", help="list notes, highest priority first", description="List notes.")
    lst.add_argument("--tag", action="append", help="only notes with this tag (repeatable)")
    lst.add_argument("--priority", choices=PRIORITIES, help="only notes of this priority")
    lst.add_argument("-n", "--limit", type=int, metavar="N", help="at most N notes")
    lst.set_defaults(run=cmd_list)

    search = sub.add_parser("search", help="find notes whose title or body contains a text",
                            description="Find notes by text (case-insensitive).")
    search.add_argument("--text", required=True, help="the text to look for")
    search.add_argument("--tag", action="append", help="only notes with this tag (repeatable)")
    search.add_argument("-n", "--limit", type=int, metavar="N", help="at most N notes")
    search.set_defaults(run=cmd_search)

    delete = sub.add_parser("delete", help="delete a note by id", description="Delete a note.")
    delete.add_argument("--id", type=int, required=True, metavar="N", help="the note's id (see list)")
    delete.set_defaults(run=cmd_delete)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    path = notes_path()
    try:
        with Store(path) as store:
            result = args.run(args, store)
    except (LookupError, OSError, ValueError) as error:
        print(json.dumps({"ok": False, "error": str(error), "file": path}))
        return 1
    print(json.dumps({"ok": True, **result, "file": path}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
