#include "blocks.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct block_cache {
    block_info **slots; /* open addressing, keyed by start address */
    unsigned cap;       /* power of two */
    unsigned count;
    cycle_decoder *dec;
};

block_cache *block_cache_create(void)
{
    block_cache *c = calloc(1, sizeof(*c));
    assert(c != NULL);
    c->cap = 1024;
    c->slots = calloc(c->cap, sizeof(*c->slots));
    assert(c->slots != NULL);
    c->dec = cycle_decoder_create();
    return c;
}

static void free_block(block_info *b)
{
    free(b->code);
    free(b->insns);
    free(b->prefix);
    free(b);
}

void block_cache_flush(block_cache *c)
{
    for (unsigned i = 0; i < c->cap; i++) {
        if (c->slots[i] != NULL) {
            free_block(c->slots[i]);
            c->slots[i] = NULL;
        }
    }
    c->count = 0;
}

void block_cache_destroy(block_cache *c)
{
    if (c == NULL) {
        return;
    }
    block_cache_flush(c);
    free(c->slots);
    cycle_decoder_destroy(c->dec);
    free(c);
}

unsigned block_cache_count(const block_cache *c)
{
    return c->count;
}

static unsigned hash(uint32_t addr, unsigned cap)
{
    return (unsigned)((addr >> 1) * 2654435761u) & (cap - 1);
}

static void insert(block_cache *c, block_info *b)
{
    unsigned i = hash(b->start, c->cap);
    while (c->slots[i] != NULL) {
        i = (i + 1) & (c->cap - 1);
    }
    c->slots[i] = b;
}

static void grow(block_cache *c)
{
    block_info **old = c->slots;
    unsigned old_cap = c->cap;
    c->cap *= 2;
    c->slots = calloc(c->cap, sizeof(*c->slots));
    assert(c->slots != NULL);
    for (unsigned i = 0; i < old_cap; i++) {
        if (old[i] != NULL) {
            insert(c, old[i]);
        }
    }
    free(old);
}

static void finish_block(block_info *b)
{
    b->prefix[0] = 0;
    for (uint32_t i = 0; i < b->ninsns; i++) {
        const insn_info *prev = i > 0 ? &b->insns[i - 1] : NULL;
        b->prefix[i + 1] = b->prefix[i] + cycle_cost(prev, &b->insns[i]);
        b->flags |= b->insns[i].flags;
    }
    b->cycles = b->prefix[b->ninsns];
    const insn_info *last = b->ninsns ? &b->insns[b->ninsns - 1] : NULL;
    if (last != NULL && (last->flags & INSN_COND_BRANCH) && last->branch_target != 0 &&
        last->branch_target != b->start + b->size) {
        b->ends_cond_branch = true;
        b->cond_target = last->branch_target;
    }
}

static block_info *decode(block_cache *c, uc_engine *uc, uint32_t addr, uint32_t size,
                          bool keep_code)
{
    uint8_t stack_buf[256];
    uint8_t *code = size <= sizeof(stack_buf) ? stack_buf : malloc(size);
    assert(code != NULL);
    block_info *b = calloc(1, sizeof(*b));
    assert(b != NULL);
    b->start = addr;
    b->size = size;
    b->insns = calloc(size / 2 + 1, sizeof(*b->insns));
    b->prefix = calloc(size / 2 + 2, sizeof(*b->prefix));
    assert(b->insns != NULL && b->prefix != NULL);
    if (uc_mem_read(uc, addr, code, size) != UC_ERR_OK) {
        memset(code, 0, size);
    }
    for (uint32_t off = 0; off < size;) {
        insn_info *in = &b->insns[b->ninsns++];
        unsigned n = cycle_decode(c->dec, code + off, size - off, addr + off, in);
        off += n ? n : 2;
    }
    for (uint32_t i = 0; i < b->ninsns && !b->unpriv_access; i++) {
        const insn_info *in = &b->insns[i];
        b->unpriv_access = in->size == 4 && block_insn_unprivileged(code + (in->addr - addr));
    }
    if (keep_code) {
        b->code = malloc(size);
        assert(b->code != NULL);
        memcpy(b->code, code, size);
    }
    if (code != stack_buf) {
        free(code);
    }
    finish_block(b);
    return b;
}

bool block_cache_current(const block_info *b, uc_engine *uc)
{
    uint8_t now[256];
    if (b->size > sizeof(now) || uc_mem_read(uc, b->start, now, b->size) != UC_ERR_OK) {
        return false;
    }
    return memcmp(now, b->code, b->size) == 0;
}

static block_info **slot_of(const block_cache *c, uint32_t addr, uint32_t size)
{
    unsigned i = hash(addr, c->cap);
    for (block_info *b; (b = c->slots[i]) != NULL; i = (i + 1) & (c->cap - 1)) {
        if (b->start == addr && b->size == size) {
            return &c->slots[i];
        }
    }
    return NULL;
}

block_info *block_cache_find(const block_cache *c, uint32_t addr, uint32_t size)
{
    block_info **slot = slot_of(c, addr, size);
    return slot ? *slot : NULL;
}

block_info *block_cache_add(block_cache *c, uc_engine *uc, uint32_t addr, uint32_t size,
                            bool writable)
{
    block_info **slot = slot_of(c, addr, size);
    if (slot != NULL) { /* the bytes changed: decode in place */
        free_block(*slot);
        *slot = decode(c, uc, addr, size, writable);
        return *slot;
    }
    if (2 * (c->count + 1) > c->cap) {
        grow(c);
    }
    block_info *b = decode(c, uc, addr, size, writable);
    insert(c, b);
    c->count++;
    return b;
}

bool block_insn_unprivileged(const uint8_t code[4])
{
    uint16_t hw1 = (uint16_t)(code[0] | code[1] << 8);
    uint16_t hw2 = (uint16_t)(code[2] | code[3] << 8);
    /* 1111 100S 0xx? nnnn | tttt 1110 imm8, Rn not PC (that is a literal
     * load whose offset merely looks like this). */
    return (hw1 & 0xFE80u) == 0xF800u && (hw1 & 0xFu) != 0xFu && (hw2 & 0x0F00u) == 0x0E00u;
}

int block_insn_index(const block_info *b, uint32_t pc)
{
    int lo = 0;
    int hi = (int)b->ninsns - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (b->insns[mid].addr == pc) {
            return mid;
        }
        if (b->insns[mid].addr < pc) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return -1;
}

static uint16_t address_regs(const insn_info *in)
{
    uint16_t m = 0;
    if (in->base >= 0) {
        m |= (uint16_t)(1u << in->base);
    }
    if (in->index >= 0) {
        m |= (uint16_t)(1u << in->index);
    }
    return m;
}

/* Candidate j is not the culprit if something between it and k rewrote the
 * registers its address came from: with today's values it only looks like
 * a match. */
static bool rewritten_between(const block_info *b, int j, int k)
{
    uint16_t used = address_regs(&b->insns[j]);
    for (int i = j; i < k; i++) {
        if (b->insns[i].writes & used) {
            return true;
        }
    }
    return false;
}

int block_find_access(const block_info *b, const uint32_t r[16], uint32_t addr, int kind, int from)
{
    int cand[32];
    int n = 0;
    for (int i = from < 0 ? 0 : from; i < (int)b->ninsns && n < 32; i++) {
        const insn_info *in = &b->insns[i];
        uint32_t lo, len;
        if (in->mem == kind && insn_access_range(in, r, &lo, &len) && addr - lo < len) {
            cand[n++] = i;
        }
    }
    /* The culprit is the first candidate before which every earlier
     * candidate is explained away: had an earlier one really made the same
     * access, it would have been reported first. */
    for (int c = 0; c < n; c++) {
        bool earlier_ruled_out = true;
        for (int e = 0; e < c && earlier_ruled_out; e++) {
            earlier_ruled_out = rewritten_between(b, cand[e], cand[c]);
        }
        if (earlier_ruled_out) {
            return cand[c];
        }
    }
    return -1;
}

int block_find_clobbered_ldrd(const block_info *b, const uint32_t r[16], uint32_t first_word,
                              int from)
{
    for (int i = from < 0 ? 0 : from; i < (int)b->ninsns; i++) {
        const insn_info *in = &b->insns[i];
        bool ldrd = in->mem == MEM_LOAD && in->mode == AM_OFFSET && in->index < 0 &&
                    in->base >= 0 && in->base <= 12 && (uint32_t)in->access * in->count == 8;
        if (ldrd && (in->writes & (1u << in->base)) && r[in->base] == first_word) {
            return i;
        }
    }
    return -1;
}
