/* SPDX-License-Identifier: MIT */
/*
 * trace-lines.c - the line scanner: reads the items of a block sequence under
 * `ops:` line by line and splits the common forms ("- {k: v, ...}" or a block
 * of plain "k: v" lines) itself; any other item goes to libyaml's parser on
 * its own, with its line number (engine/trace.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/trace-internal.h"

/* Read buffer of the line scanner; it grows to hold one item, up to the cap. */
#define TRACE_BUF_INITIAL (256u << 10)
#define TRACE_BUF_MAX (16u << 20)

/*
 * nvmesim_trace_lines_start - switch to the line scanner when the first item
 * is on line @line at column @col as the scanner sees it (only LF and CRLF
 * line breaks before it, spaces and a dash on the item's line); 0 if it did,
 * else the file position is untouched and libyaml's parser carries on
 */
int nvmesim_trace_lines_start(struct nvmesim_trace *t, unsigned long line, unsigned int col)
{
	unsigned long at = 1;
	off_t off = 0, line_off = 0;
	ssize_t n, i;
	unsigned int c;
	const unsigned char *b;

	t->cap = TRACE_BUF_INITIAL;
	t->buf = malloc(t->cap);
	if (!t->buf)
		return -ENOMEM;
	/* pread() leaves libyaml's file position alone until we commit */
	while (at < line) {
		n = pread(t->fd, t->buf, t->cap, off);
		if (n <= 0)
			return -EIO;
		b = (const unsigned char *)t->buf;
		for (i = 0; i < n && at < line; i++) {
			if (b[i] == '\n') {
				at++;
				line_off = off + i + 1;
			} else if (b[i] == '\r' && (i + 1 >= n || b[i + 1] != '\n')) {
				return -EINVAL;    /* lone CR, or a CR at a chunk's end */
			} else if ((b[i] == 0xc2 && i + 1 < n && b[i + 1] == 0x85) ||
				   (b[i] == 0xe2 && i + 2 < n && b[i + 1] == 0x80 &&
				    (b[i + 2] == 0xa8 || b[i + 2] == 0xa9))) {
				return -EINVAL;    /* NEL, LS, PS: libyaml breaks lines there */
			} else if (b[i] >= 0xc2 && i + 2 >= n) {
				return -EINVAL;    /* a character split by the chunk: stay safe */
			}
		}
		off += n;
	}
	n = pread(t->fd, t->buf, (size_t)col + 1, line_off);
	if (n != (ssize_t)col + 1)
		return -EINVAL;
	for (c = 0; c < col; c++)
		if (t->buf[c] != ' ')
			return -EINVAL;
	if (t->buf[col] != '-')
		return -EINVAL;
	/* commit: the scanner owns the file from the item's line on */
	if (lseek(t->fd, line_off, SEEK_SET) != line_off)
		return -EIO;
	t->len = 0;
	t->pos = 0;
	t->eof = false;
	t->ahead = false;
	t->line = line;
	t->dash_col = col;
	return 0;
}

/* struct tline - one line of the buffer */
struct tline {
	const char *text;    /* its first byte */
	size_t len;          /* length without the line break */
	size_t next;         /* offset of the next line, from t->pos */
};

/* lines_fill - move the unread bytes to the front and read more; 0 or -errno */
static int lines_fill(struct nvmesim_trace *t)
{
	ssize_t n;
	char *nb;

	if (t->pos) {
		memmove(t->buf, t->buf + t->pos, t->len - t->pos);
		t->len -= t->pos;
		t->pos = 0;
	}
	if (t->len == t->cap) {
		if (t->cap >= TRACE_BUF_MAX)
			return -E2BIG;
		nb = realloc(t->buf, t->cap * 2);
		if (!nb)
			return -ENOMEM;
		t->buf = nb;
		t->cap *= 2;
	}
	do {
		n = read(t->fd, t->buf + t->len, t->cap - t->len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (!n)
		t->eof = true;
	t->len += (size_t)n;
	return 0;
}

/* line_at - the line @rel bytes after the read position; 0, 1 at the end of the file, or
 * -errno; pointers from earlier calls may move */
static int line_at(struct nvmesim_trace *t, size_t rel, struct tline *l)
{
	size_t searched = 0, start;
	const char *nl;
	int r;

	for (;;) {
		start = t->pos + rel;
		nl = memchr(t->buf + start + searched, '\n', t->len - start - searched);
		if (nl) {
			l->len = (size_t)(nl - (t->buf + start));
			l->next = rel + l->len + 1;
			break;
		}
		if (t->eof) {
			if (start == t->len)
				return 1;
			l->len = t->len - start;
			l->next = rel + l->len;
			break;
		}
		searched = t->len - start;
		r = lines_fill(t);
		if (r)
			return r;
	}
	l->text = t->buf + t->pos + rel;
	if (l->len && l->text[l->len - 1] == '\r')
		l->len--;
	return 0;
}

/* line_indent - leading spaces; *blank says whether the line holds only blanks or a comment */
static size_t line_indent(const struct tline *l, bool *blank)
{
	size_t i = 0, j;

	while (i < l->len && l->text[i] == ' ')
		i++;
	*blank = true;
	for (j = i; j < l->len; j++) {
		if (l->text[j] == '#')
			break;
		if (l->text[j] != ' ' && l->text[j] != '\t') {
			*blank = false;
			break;
		}
	}
	return i;
}

/* line_io_err - the scanner could not read the file */
static int line_io_err(struct nvmesim_trace *t, int r, struct nvmesim_diag *diag)
{
	struct tpos p = { t->line, 1 };

	if (r == -E2BIG)
		return nvmesim_trace_err(t->path, diag, p, "ops",
					 "expected an operation shorter than "
					 "16MiB, got a longer one");
	nvmesim_diag_set(diag, "%s: cannot read: %s", t->path, strerror(-r));
	if (diag) {
		diag->file = t->path;
		diag->line = 0;
		diag->column = 0;
	}
	return r;
}

/* What the scanner accepts unquoted (anything else goes to libyaml), one table lookup per
 * byte: keys are letters, digits and '_'; values also '.', '+' and '-'; a value may hold
 * inner spaces. */
enum { SC_KEY = 1, SC_VAL = 2, SC_SPACE = 4 };
static const uint8_t scan_class[256] = {
	['a' ... 'z'] = SC_KEY | SC_VAL, ['A' ... 'Z'] = SC_KEY | SC_VAL,
	['0' ... '9'] = SC_KEY | SC_VAL, ['_'] = SC_KEY | SC_VAL,
	['.'] = SC_VAL, ['+'] = SC_VAL, ['-'] = SC_VAL, [' '] = SC_SPACE,
};

static inline bool is_key_char(char c)
{
	return scan_class[(unsigned char)c] & SC_KEY;
}

static inline bool is_val_char(char c)
{
	return scan_class[(unsigned char)c] & SC_VAL;
}

/* scan_key - a plain key followed by ':' and a blank; index of the value after it, or 0 to
 * decline */
static size_t scan_key(const char *s, size_t i, size_t n, struct trace_kv *kv)
{
	size_t start = i;

	if (i >= n || !is_key_char(s[i]) || (s[i] >= '0' && s[i] <= '9'))
		return 0;
	while (i < n && is_key_char(s[i]))
		i++;
	if (i >= n || s[i] != ':' || i - start >= 32)
		return 0;
	kv->k = s + start;
	kv->kl = (unsigned int)(i - start);
	kv->kc = (unsigned int)start;
	i++;
	if (i >= n || s[i] != ' ')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* scan_value - a plain value of the accepted characters and inner spaces; index after it
 * (trailing blanks included), or 0 to decline */
static size_t scan_value(const char *s, size_t i, size_t n, struct trace_kv *kv, bool flow)
{
	size_t start = i, end;

	/* "-" alone or before a blank would be a sequence entry, not a scalar */
	if (i >= n || !is_val_char(s[i]) || (s[i] == '-' && (i + 1 >= n || !is_val_char(s[i + 1]))))
		return 0;
	while (i < n && (scan_class[(unsigned char)s[i]] & (SC_VAL | SC_SPACE)))
		i++;
	end = i;
	while (end > start && s[end - 1] == ' ')
		end--;
	if (end - start >= 64)
		return 0;
	/* a flow value ends at ',' or '}' on this line; a block value at the end of the line
	 * or at a comment (" #") */
	if (flow && (i >= n || (s[i] != ',' && s[i] != '}')))
		return 0;
	if (!flow && i < n && (s[i] != '#' || s[i - 1] != ' '))
		return 0;
	kv->v = s + start;
	kv->vl = (unsigned int)(end - start);
	kv->vc = (unsigned int)start;
	return i;
}

/* scan_flow - "{k: v, k: v}" from @i; number of pairs, or -1 to decline */
static int scan_flow(const char *s, size_t i, size_t n, unsigned long line, struct trace_kv *kv)
{
	int nkv = 0;

	i++;   /* '{' */
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] != '}') {
		for (;;) {
			if (nkv == FAST_MAX_KV)
				return -1;
			kv[nkv].line = line;
			i = scan_key(s, i, n, &kv[nkv]);
			if (!i)
				return -1;
			i = scan_value(s, i, n, &kv[nkv], true);
			if (!i)
				return -1;
			nkv++;
			if (s[i] == '}')
				break;
			i++;   /* ',' */
			while (i < n && s[i] == ' ')
				i++;
			if (i < n && s[i] == '}')
				break;
		}
	}
	if (i >= n)
		return -1;
	i++;   /* '}' */
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && (s[i] != '#' || s[i - 1] != ' '))
		return -1;
	return nkv;
}

/* scan_block_line - "key: value [# comment]" from @i; 0 or -1 to decline */
static int scan_block_line(const char *s, size_t i, size_t n, unsigned long line,
			   struct trace_kv *kv)
{
	kv->line = line;
	i = scan_key(s, i, n, kv);
	if (!i)
		return -1;
	i = scan_value(s, i, n, kv, false);
	return i ? 0 : -1;
}

/* op_from_item - an item the scanner declined: libyaml parses its lines on their own */
static int op_from_item(struct nvmesim_trace *t, size_t len, struct nvmesim_trace_op *op,
			struct nvmesim_diag *diag)
{
	struct nvmesim_yaml *y = &t->sub;
	char field[32];
	int r, i;

	r = nvmesim_yaml_open_string(y, t->buf + t->pos, len, t->path, t->line, diag);
	if (r)
		return r;
	/* stream start, document start, the sequence of one item, then the item */
	for (i = 0; i < 4 && !r; i++)
		r = nvmesim_yaml_next(y);
	if (!r)
		r = nvmesim_trace_op_from_events(t, y, op, diag);
	if (!r)
		r = nvmesim_yaml_next(y);
	if (!r && y->ev.type != YAML_SEQUENCE_END_EVENT)
		r = nvmesim_yaml_got(y, nvmesim_trace_op_name(t, field, sizeof(field)),
				     "one operation per '- ' item");
	nvmesim_yaml_close(y);
	return r;
}

/* skip_blank_lines - from the read position, step over blank and comment lines to the next
 * content line, into @l with its indent in @ind; 1, 0 at the end of the file, or -errno */
static int skip_blank_lines(struct nvmesim_trace *t, struct tline *l, size_t *ind,
			    struct nvmesim_diag *diag)
{
	bool blank;
	int r;

	for (;;) {
		r = line_at(t, 0, l);
		if (r < 0)
			return line_io_err(t, r, diag);
		if (r)
			return 0;
		*ind = line_indent(l, &blank);
		if (!blank)
			return 1;
		t->pos += l->next;
		t->line++;
	}
}

/* after_ops_lines - a line that ends the sequence: only the end of the document may follow */
static int after_ops_lines(struct nvmesim_trace *t, const struct tline *l0, size_t ind,
			   struct nvmesim_diag *diag)
{
	struct tline l = *l0;
	struct tpos p = { t->line, (unsigned int)ind + 1 };
	char got[72];
	size_t k;
	bool ended = false;
	int r;

	for (;;) {
		if (!ended && ind == 0 && l.len >= 3 && !memcmp(l.text, "...", 3) &&
		    (l.len == 3 || l.text[3] == ' ' || l.text[3] == '\t')) {
			ended = true;
		} else if (ind == 0 && l.len >= 3 && !memcmp(l.text, "---", 3) &&
			   (l.len == 3 || l.text[3] == ' ' || l.text[3] == '\t')) {
			return nvmesim_trace_err(t->path, diag, p, "trace",
						 "expected a single YAML document, got '---'");
		} else if (!ended && ind <= t->root_col) {
			k = ind;
			while (k < l.len && l.text[k] != ':' && k - ind < sizeof(got) - 1)
				k++;
			snprintf(got, sizeof(got), "%.*s", (int)(k - ind), l.text + ind);
			return nvmesim_trace_err(t->path, diag, p, "ops",
						 "expected ops to be the last key of the trace, "
						 "got '%s' after it", got);
		} else {
			snprintf(got, sizeof(got), "%.*s", (int)NVMESIM_MIN(l.len - ind, 40),
				 l.text + ind);
			return nvmesim_trace_err(t->path, diag, p, "ops", ended ?
						 "expected the end of the file after '...', "
						 "got '%s'" : "expected '- ' items of the ops "
						 "sequence, got '%s'", got);
		}
		/* on to the next content line */
		t->pos += l.next;
		t->line++;
		r = skip_blank_lines(t, &l, &ind, diag);
		if (r <= 0)
			return r;
		p.line = t->line;
		p.col = (unsigned int)ind + 1;
	}
}

/* nvmesim_trace_next_op_lines - the next operation by the line scanner; 1, 0 at the end, or
 * -errno */
int nvmesim_trace_next_op_lines(struct nvmesim_trace *t, struct nvmesim_trace_op *op,
				struct nvmesim_diag *diag)
{
	struct trace_kv kv[FAST_MAX_KV];
	struct tline l;
	struct tpos p;
	size_t ind, rel, end, i, kc = 0, first_len, first_next, ahead_rel = 0;
	unsigned long lines, content_lines = 1;
	bool blank, multi = false, gap = false, ahead = false;
	int nkv = -1, r;

	/* find the item's first line (the previous call may have looked at it already:
	 * finding the end of an item reads the line after it) */
	if (t->ahead) {
		l.text = t->buf + t->pos;
		l.len = t->ahead_len;
		l.next = t->ahead_next;
		ind = t->ahead_ind;
		t->ahead = false;
	} else {
		r = skip_blank_lines(t, &l, &ind, diag);
		if (r <= 0)
			return r;
	}
	first_len = l.len;
	first_next = l.next;
	if (ind != t->dash_col || l.text[ind] != '-' ||
	    (ind + 1 < l.len && l.text[ind + 1] != ' ' && l.text[ind + 1] != '\t')) {
		r = after_ops_lines(t, &l, ind, diag);
		return r ? r : 0;
	}
	/* its extent: following lines indented deeper, and blank lines between them */
	end = l.next;
	rel = l.next;
	lines = 1;
	for (;;) {
		r = line_at(t, rel, &l);
		if (r < 0)
			return line_io_err(t, r, diag);
		if (r)
			break;
		ind = line_indent(&l, &blank);
		lines++;
		if (!blank && ind <= t->dash_col) {
			/* the next item (or whatever ends the sequence): remember it */
			ahead = true;
			ahead_rel = rel;
			t->ahead_len = l.len;
			t->ahead_next = l.next - rel;
			t->ahead_ind = ind;
			break;
		}
		rel = l.next;
		if (blank) {
			continue;
		}
		if (lines > content_lines + 1)
			gap = true;
		multi = true;
		end = rel;
		content_lines = lines;
	}

	/* the scanner's two forms: "- {k: v, ...}" and lines of "k: v" (the buffer may
	 * have moved since the first line was found) */
	l.text = t->buf + t->pos;
	l.len = first_len;
	l.next = first_next;
	i = t->dash_col + 1;
	while (i < l.len && l.text[i] == ' ')
		i++;
	p.line = t->line;
	p.col = (unsigned int)i + 1;
	if (i < l.len && i > t->dash_col + 1 && !(t->flags & NVMESIM_TRACE_NO_FASTPATH)) {
		if (l.text[i] == '{' && !multi) {
			nkv = scan_flow(l.text, i, l.len, t->line, kv);
		} else if (l.text[i] != '{' && !gap) {
			kc = i;
			nkv = scan_block_line(l.text, i, l.len, t->line, &kv[0]) ? -1 : 1;
			for (rel = l.next; nkv > 0 && rel < end; ) {
				r = line_at(t, rel, &l);
				if (r)
					return line_io_err(t, r < 0 ? r : -EIO, diag);
				ind = line_indent(&l, &blank);
				if (ind != kc || nkv == FAST_MAX_KV ||
				    scan_block_line(l.text, ind, l.len, t->line + nkv, &kv[nkv]))
					nkv = -1;
				else
					nkv++;
				rel = l.next;
			}
		}
	}
	if (nkv >= 0) {
		r = nvmesim_trace_op_from_pairs(t, kv, nkv, p, op, diag);
		t->fast_ops++;
	} else {
		r = op_from_item(t, end, op, diag);
		t->yaml_ops++;
	}
	if (r)
		return r;
	t->pos += end;
	t->line += content_lines;
	/* the line after the item is the next call's first, unless blank lines lie between */
	t->ahead = ahead && ahead_rel == end;
	return 1;
}

/* next_op_events - the next operation from the whole-file parser; 1, 0 at the end, or -errno */
static int next_op_events(struct nvmesim_trace *t, struct nvmesim_trace_op *op,
			  struct nvmesim_diag *diag)
{
	struct nvmesim_yaml *y = &t->y;
	int r;

	y->diag = diag;
	r = nvmesim_yaml_next(y);
	if (r)
		return r;
	if (y->ev.type != YAML_SEQUENCE_END_EVENT) {
		r = nvmesim_trace_op_from_events(t, y, op, diag);
		t->yaml_ops++;
		return r ? r : 1;
	}
	r = nvmesim_yaml_next(y);
	if (r)
		return r;
	if (y->ev.type == YAML_SCALAR_EVENT)
		return nvmesim_yaml_error(y, &y->ev.start_mark, "ops",
					  "expected ops to be the last key of the trace, got '%s' "
					  "after it", (const char *)y->ev.data.scalar.value);
	if (y->ev.type != YAML_MAPPING_END_EVENT)
		return nvmesim_yaml_got(y, "ops", "the end of the trace");
	r = nvmesim_yaml_next(y);                /* document end */
	if (!r)
		r = nvmesim_yaml_next(y);
	if (!r && y->ev.type != YAML_STREAM_END_EVENT)
		r = nvmesim_yaml_error(y, &y->ev.start_mark, "trace",
				       "expected a single YAML document, got '---'");
	return r;
}

/* nvmesim_trace_next_op - the next explicit operation; 1, 0 at the end, or -EINVAL (-errno
 * for read errors), after which the reader stays stopped */
int nvmesim_trace_next_op(struct nvmesim_trace *t, struct nvmesim_trace_op *op,
			  struct nvmesim_diag *diag)
{
	int r;

	switch (t->state) {
	case OPS_LINES:
		r = nvmesim_trace_next_op_lines(t, op, diag);
		break;
	case OPS_EVENTS:
		r = next_op_events(t, op, diag);
		break;
	case OPS_FAILED:
		nvmesim_diag_set(diag, "%s: the trace reader stopped at an earlier error", t->path);
		return -EINVAL;
	default:
		return 0;
	}
	if (r == 1) {
		t->nr_ops++;
		return 1;
	}
	if (r < 0) {
		t->state = OPS_FAILED;
		return r;
	}
	t->state = OPS_DONE;
	if (t->y_open) {
		nvmesim_yaml_close(&t->y);
		t->y_open = false;
	}
	return 0;
}
