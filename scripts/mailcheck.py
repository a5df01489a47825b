#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read back the mails b4 prepared for one part of the series.

  mailcheck.py MAILDIR PARTDIR PREFIX BASE LISTS

MAILDIR holds b4's .eml files, PARTDIR the part in patches/, PREFIX is
PATCH or RFC, BASE the base commit, LISTS the space-separated mailing
lists every mail must reach. The prerequisite-patch-id lines must be
those git format-patch wrote into PARTDIR's cover letter. Prints one
'PASS|FAIL<TAB>name<TAB>detail' line per check.
"""
import email
import email.policy
import glob
import os
import re
import subprocess
import sys


def patch_id(text):
    out = subprocess.run(["git", "patch-id", "--stable"], input=text.encode(),
                         capture_output=True, check=True).stdout.decode()
    return out.split()[0] if out.strip() else None


def subject_of(path):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    return re.sub(r"^\[[^]]*\]\s*", "", str(msg["Subject"]))


def result(ok, name, detail=""):
    print(f"{'PASS' if ok else 'FAIL'}\t{name}\t{detail}")


def main():
    maildir, partdir, prefix, base, lists = sys.argv[1:6]
    lists = lists.split()
    patches = sorted(p for p in glob.glob(os.path.join(partdir, "[0-9]*.patch"))
                     if not p.endswith("/0000-cover-letter.patch"))
    n = len(patches)
    mails = []
    for path in sorted(glob.glob(os.path.join(maildir, "*.eml"))):
        with open(path, "rb") as f:
            mails.append(email.message_from_binary_file(f, policy=email.policy.default))
    result(len(mails) == n + 1, f"{n + 1} mails: a cover letter and {n} patches",
           f"found {len(mails)} in {maildir}")
    if len(mails) != n + 1:
        return

    width = len(str(n))
    tag = "PATCH RFC" if prefix == "RFC" else "PATCH"
    cover = mails[0]
    want = [f"[{tag} {0:0{width}d}/{n}] "
            + subject_of(os.path.join(partdir, "0000-cover-letter.patch"))]
    want += [f"[{tag} {k:0{width}d}/{n}] " + subject_of(p)
             for k, p in enumerate(patches, 1)]
    have = [str(m["Subject"]) for m in mails]
    bad = [f"'{h}' for '{w}'" for h, w in zip(have, want) if h != w]
    result(not bad, f"subjects: [{tag} k/{n}] and the patches' own",
           "; ".join(bad[:2]))

    ids = [str(m["Message-Id"]) for m in mails]
    cid = ids[0]
    bad = [k for k, m in enumerate(mails[1:], 1)
           if str(m["In-Reply-To"] or "") != cid or cid not in str(m["References"] or "")]
    result(len(set(ids)) == len(ids) and not bad and not cover["In-Reply-To"],
           "threaded: every patch replies to the cover letter",
           f"patches {bad} do not" if bad else "")

    bad = []
    for k, m in enumerate(mails):
        to = [a.addr_spec for a in (m["To"].addresses if m["To"] else ())]
        cc = [a.addr_spec for a in (m["Cc"].addresses if m["Cc"] else ())]
        missing = [li for li in lists if li not in to + cc]
        if not to or not cc or missing:
            bad.append(f"mail {k}: To {len(to)}, Cc {len(cc)}, missing {missing}")
    result(not bad, "To and Cc present; they reach " + ", ".join(lists),
           "; ".join(bad[:2]))

    body = cover.get_content()
    result(f"\nbase-commit: {base}\n" in body, f"cover letter: base-commit: {base[:12]}")
    exported = open(os.path.join(partdir, "0000-cover-letter.patch"),
                    encoding="utf-8").read()
    want_ids = re.findall(r"^prerequisite-patch-id: (\S+)$", exported, flags=re.M)
    have_ids = re.findall(r"^prerequisite-patch-id: (\S+)$", body, flags=re.M)
    result(have_ids == want_ids,
           f"cover letter: the {len(want_ids)} prerequisite-patch-id lines of the exported one",
           f"{len(have_ids)} listed" if have_ids != want_ids else "")

    bad = [k for k, m in enumerate(mails)
           if re.search(r"^(Signed-off-by|Co-developed-by):", m.get_content(), flags=re.M)]
    result(not bad, "no Signed-off-by or Co-developed-by (the sender adds theirs)",
           f"mails {bad}" if bad else "")

    bad = []
    for k, (m, p) in enumerate(zip(mails[1:], patches), 1):
        want_id = patch_id(open(p, encoding="utf-8").read())
        if want_id is None or patch_id(m.get_content()) != want_id:
            bad.append(k)
    result(not bad, f"every mail's diff is its patch in {partdir}",
           f"patches {bad} differ" if bad else "")


if __name__ == "__main__":
    main()
