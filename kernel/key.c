// SPDX-License-Identifier: GPL-2.0
/*
 * SRTP keys of a flow: two directions, two slots each for rotation.
 *
 * A key is the portable core's context (kernel/srtp/) plus a spinlock that
 * serialises its use by the packet path.  Installing derives the session
 * keys (RFC 3711 §4.3) and allocates the transforms, in process context.
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

int ksrtp_key_install(struct ksrtp_net *kn, struct ksrtp_flow *flow,
		      const struct ksrtp_key_params *p)
{
	struct ksrtp_opts opts = {
		.replay_window = p->replay_window,
		.max_ssrcs = p->max_ssrcs,
		.roc = p->roc,
		.seq = p->seq,
		.flags = p->has_seq ? KSRTP_OPT_INIT_SEQ : 0,
	};
	struct ksrtp_key *key, *old;
	int ret;

	lockdep_assert_held(&kn->lock);

	ret = -ENOMEM;
	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		goto out;
	spin_lock_init(&key->lock);
	key->profile = p->profile;
	key->dir = p->dir;
	key->slot = p->slot;
	key->ctx_size = ksrtp_ctx_size(&opts);
	/*
	 * kmalloc, not vmalloc: key derivation runs the cipher on buffers in
	 * the context, which go into scatterlists (at most 256 KiB with the
	 * largest window and SSRC bound).
	 */
	key->ctx = kzalloc(key->ctx_size, GFP_KERNEL);
	if (!key->ctx)
		goto err_key;

	ret = ksrtp_ctx_init(key->ctx, key->ctx_size, &ksrtp_kcrypto_ops,
			     (enum ksrtp_profile)p->profile, p->master_key,
			     p->key_len, p->master_salt, p->salt_len, &opts);
	if (ret) {
		ret = ret == KSRTP_ERR_CRYPTO ? -ENOENT : -EINVAL;
		goto err_ctx;
	}

	old = rcu_replace_pointer(flow->keys[p->dir][p->slot], key,
				  lockdep_is_held(&kn->lock));
	/* The first key of a direction becomes its active one. */
	if (!rcu_access_pointer(flow->keys[p->dir][flow->active[p->dir]]))
		WRITE_ONCE(flow->active[p->dir], p->slot);
	ksrtp_key_release(old);
	kn->gen++;
	return 0;

err_ctx:
	ksrtp_ctx_wipe(key->ctx);
	kfree_sensitive(key->ctx);
err_key:
	kfree(key);
out:
	return ret;
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
