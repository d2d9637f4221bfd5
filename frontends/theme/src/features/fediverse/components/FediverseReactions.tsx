import { useI18n } from "../../../shared/i18n";
import { useSite } from "../../../shared/site";
import { useFediverseReactions } from "../api/reactions";

/**
 * "3 likes · 1 boost on the fediverse" under a post; nothing while they load, when the
 * read fails (the post is whole without them) or when there are none.
 */
export function FediverseReactions({ postId }: { postId: string }) {
  const { slug } = useSite();
  const f = useI18n();
  const reactions = useFediverseReactions(slug, postId);
  const data = reactions.data;
  if (!data || data.likes + data.boosts === 0) return null;
  return (
    <p className="fediverse-reactions" data-testid="fediverse-reactions">
      {f.t("fediverse.reactions", {
        likes: f.plural("fediverse.likes", data.likes),
        boosts: f.plural("fediverse.boosts", data.boosts),
      })}
    </p>
  );
}
