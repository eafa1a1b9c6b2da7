// SPDX-License-Identifier: GPL-2.0
/*
 * SRTP keys of a flow: two directions, two slots each for rotation.
 *
 * A key is the portable core's context (kernel/srtp/) plus a spinlock that
 * serialises its use by the packet path.  Creating one derives the session
 * keys (RFC 3711 §4.3) and allocates the transforms, in process context and
 * before the namespace's lock is taken; publishing it (and carrying the
 * SSRCs' ROC over from the key it follows) is done under that lock.
 * A replaced or deleted key is unpublished with RCU and freed, wiped, from
 * a workqueue after a grace period, since freeing transforms may sleep.
 */
#include <linux/slab.h>
#include <uapi/linux/ksrtp.h>

#include "crypto.h"
#include "key.h"
#include "srtp/srtp.h"

bool ksrtp_profile_lengths(u16 profile, u8 *key_len, u8 *salt_len)
{
	switch (profile) {
	case KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80:
	case KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_32:
		*key_len = 16;
		*salt_len = 14;
		return true;
	case KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_80:
	case KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_32:
		*key_len = 32;
		*salt_len = 14;
		return true;
	case KSRTP_PROFILE_AEAD_AES_128_GCM:
		*key_len = 16;
		*salt_len = 12;
		return true;
	case KSRTP_PROFILE_AEAD_AES_256_GCM:
		*key_len = 32;
		*salt_len = 12;
		return true;
	}
	return false;
}

/* The uapi numbers are the core's (both follow RFC 5764/7714 ids). */
static_assert((int)KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80 == (int)KSRTP_AES_CM_128_HMAC_SHA1_80);
static_assert((int)KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_32 == (int)KSRTP_AES_CM_128_HMAC_SHA1_32);
static_assert((int)KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_80 == (int)KSRTP_AES_256_CM_HMAC_SHA1_80);
static_assert((int)KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_32 == (int)KSRTP_AES_256_CM_HMAC_SHA1_32);
static_assert((int)KSRTP_PROFILE_AEAD_AES_128_GCM == (int)KSRTP_AEAD_AES_128_GCM);
static_assert((int)KSRTP_PROFILE_AEAD_AES_256_GCM == (int)KSRTP_AEAD_AES_256_GCM);

static void ksrtp_key_opts(const struct ksrtp_key_params *p,
			   struct ksrtp_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->replay_window = p->replay_window;
	opts->max_ssrcs = p->max_ssrcs;
	opts->roc = p->roc;
	opts->seq = p->seq;
	opts->flags = p->has_seq ? KSRTP_OPT_INIT_SEQ : 0;
}

/*
 * Bytes the context of @p needs, within KSRTP_CTX_MAX_SIZE or not: for the
 * error message when it is not.
 */
size_t ksrtp_key_ctx_need(const struct ksrtp_key_params *p)
{
	struct ksrtp_opts opts;

	ksrtp_key_opts(p, &opts);
	return ksrtp_ctx_need(&opts);
}

/* Wipe and free @key now: no reader may still hold it.  May sleep. */
void ksrtp_key_destroy(struct ksrtp_key *key)
{
	if (!key)
		return;
	ksrtp_ctx_wipe(key->ctx);
	kfree_sensitive(key->ctx);
	kfree_sensitive(key);
}

static void ksrtp_key_free_work(struct work_struct *work)
{
	ksrtp_key_destroy(container_of(to_rcu_work(work), struct ksrtp_key,
				       free_work));
}

/* Free @key once no packet can be using it. */
void ksrtp_key_release(struct ksrtp_key *key)
{
	if (!key)
		return;
	INIT_RCU_WORK(&key->free_work, ksrtp_key_free_work);
	queue_rcu_work(ksrtp_wq, &key->free_work);
}

/*
 * Build a key from @p: allocate the context (charged to the caller's
 * memory cgroup), derive the session keys and allocate the transforms.
 * Process context, no lock held: this is the slow part of KEY_NEW, and
 * it sleeps.  Returns the key, or ERR_PTR: -ERANGE if the replay window and
 * SSRC bound together need more than KSRTP_CTX_MAX_SIZE, -ENOENT if the
 * kernel lacks an algorithm of the profile, -EINVAL if the core refused the
 * parameters, -ENOMEM.  Never allocates zero bytes.
 */
struct ksrtp_key *ksrtp_key_create(const struct ksrtp_key_params *p)
{
	struct ksrtp_opts opts;
	struct ksrtp_key *key;
	int ret;

	ksrtp_key_opts(p, &opts);
	ret = -ENOMEM;
	key = kzalloc(sizeof(*key), GFP_KERNEL_ACCOUNT);
	if (!key)
		goto out;
	spin_lock_init(&key->lock);
	key->profile = p->profile;
	key->dir = p->dir;
	key->slot = p->slot;
	key->ctx_size = ksrtp_ctx_size(&opts);
	ret = -ERANGE;
	if (!key->ctx_size)
		goto err_key;
	/*
	 * kmalloc, not vmalloc: key derivation runs the cipher on buffers in
	 * the context, which go into scatterlists (at most
	 * KSRTP_CTX_MAX_SIZE with the largest window and SSRC bound).
	 */
	ret = -ENOMEM;
	key->ctx = kzalloc(key->ctx_size, GFP_KERNEL_ACCOUNT);
	if (!key->ctx)
		goto err_key;

	ret = ksrtp_ctx_init(key->ctx, key->ctx_size, &ksrtp_kcrypto_ops,
			     (enum ksrtp_profile)p->profile, p->master_key,
			     p->key_len, p->master_salt, p->salt_len, &opts);
	if (ret) {
		ret = ret == KSRTP_ERR_CRYPTO ? -ENOENT : -EINVAL;
		goto err_ctx;
	}
	return key;

err_ctx:
	ksrtp_ctx_wipe(key->ctx);
	kfree_sensitive(key->ctx);
err_key:
	kfree(key);
out:
	return ERR_PTR(ret);
}

/*
 * Start every SSRC of @key where the direction's current key has it: ROC,
 * highest sequence number, SRTCP index (see ksrtp_stream_seed()).  @key is
 * not published yet, so only the old key's lock is needed.
 */
static void ksrtp_key_carry(struct ksrtp_key *key, struct ksrtp_key *old)
{
	struct ksrtp_stream_info si;
	unsigned int i;

	spin_lock_bh(&old->lock);
	for (i = 0; !ksrtp_stream_get(old->ctx, i, &si); i++)
		if (ksrtp_stream_seed(key->ctx, &si) == KSRTP_ERR_SSRC_LIMIT)
			break;
	spin_unlock_bh(&old->lock);
}

/*
 * Publish @key (from ksrtp_key_create()) in its direction and slot of
 * @flow, replacing what was there.  Unless @p gave a starting ROC or
 * sequence number, the SSRCs continue from the direction's active key:
 * a rotation keeps the RFC 3711 index, as the peer does.
 */
void ksrtp_key_publish(struct ksrtp_net *kn, struct ksrtp_flow *flow,
		       struct ksrtp_key *key, const struct ksrtp_key_params *p)
{
	u8 dir = key->dir, slot = key->slot;
	struct ksrtp_key *old, *cur;

	lockdep_assert_held(&kn->lock);

	cur = rcu_dereference_protected(flow->keys[dir][flow->active[dir]],
					lockdep_is_held(&kn->lock)) ?:
	      rcu_dereference_protected(flow->keys[dir][!flow->active[dir]],
					lockdep_is_held(&kn->lock));
	if (cur && !p->has_roc && !p->has_seq)
		ksrtp_key_carry(key, cur);

	old = rcu_replace_pointer(flow->keys[dir][slot], key,
				  lockdep_is_held(&kn->lock));
	/* The first key of a direction becomes its active one. */
	if (!rcu_access_pointer(flow->keys[dir][flow->active[dir]]))
		WRITE_ONCE(flow->active[dir], slot);
	ksrtp_key_release(old);
	kn->gen++;
}

int ksrtp_key_delete(struct ksrtp_net *kn, struct ksrtp_flow *flow, u8 dir,
		     u8 slot)
{
	struct ksrtp_key *old;

	lockdep_assert_held(&kn->lock);
	old = rcu_replace_pointer(flow->keys[dir][slot], NULL,
				  lockdep_is_held(&kn->lock));
	if (!old)
		return -ENOENT;
	/* If the active key went, the other slot (if any) takes over. */
	if (flow->active[dir] == slot &&
	    rcu_access_pointer(flow->keys[dir][!slot]))
		WRITE_ONCE(flow->active[dir], !slot);
	ksrtp_key_release(old);
	kn->gen++;
	return 0;
}

int ksrtp_key_swap(struct ksrtp_net *kn, struct ksrtp_flow *flow, u8 dir)
{
	u8 other = !flow->active[dir];

	lockdep_assert_held(&kn->lock);
	if (!rcu_access_pointer(flow->keys[dir][other]))
		return -ENOENT;
	WRITE_ONCE(flow->active[dir], other);
	kn->gen++;
	return 0;
}
