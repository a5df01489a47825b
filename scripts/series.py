#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Cover-letter helpers for the series in patches/.

  series.py description COVER    print the cover letter's subject and
                                 blurb as a git branch description
  series.py fixdate COVER DATE   replace the cover letter's Date: header
  series.py cover NEW OLD DATE   fill the cover letter NEW that git
                                 format-patch wrote with the subject and
                                 text of the cover letter OLD, and DATE
"""
import re
import sys


def read_description(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    subject = None
    while lines[i] != "":
        if lines[i].startswith("Subject: "):
            subject = lines[i][len("Subject: "):]
            while lines[i + 1].startswith(" "):
                i += 1
                subject += lines[i]
        i += 1
    if subject is None:
        sys.exit(f"{path}: no Subject header")
    subject = re.sub(r"^\[[^]]*\]\s*", "", subject)
    body = []
    for line in lines[i + 1:]:
        # The shortlog git appends starts with "Name (N):".
        if re.match(r"^\S.* \(\d+\):$", line):
            break
        body.append(line)
    return subject, "\n".join(body).strip("\n")


def description(path):
    subject, body = read_description(path)
    print(subject + "\n\n" + body)


def cover(new, old, date):
    subject, body = read_description(old)
    text = open(new, encoding="utf-8").read()
    for placeholder, value in (("*** SUBJECT HERE ***", subject),
                               ("*** BLURB HERE ***", body)):
        if text.count(placeholder) != 1:
            sys.exit(f"{new}: no single '{placeholder}' to fill in")
        text = text.replace(placeholder, value)
    open(new, "w", encoding="utf-8").write(text)
    fixdate(new, date)


def fixdate(path, date):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"^Date: .*$", "Date: " + date, text, count=1, flags=re.M)
    open(path, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    if sys.argv[1:2] == ["description"] and len(sys.argv) == 3:
        description(sys.argv[2])
    elif sys.argv[1:2] == ["cover"] and len(sys.argv) == 5:
        cover(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1:2] == ["fixdate"] and len(sys.argv) == 4:
        fixdate(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
