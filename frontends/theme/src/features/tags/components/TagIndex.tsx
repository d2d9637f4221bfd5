import { Link } from "react-router";

import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { Loading } from "../../../shared/components/Loading";
import { MoreButton } from "../../../shared/components/MoreButton";
import { useI18n } from "../../../shared/i18n";
import { useSite } from "../../../shared/site";
import { useTags } from "../api/tags";

/** Every tag of the site's public posts, most used first. */
export function TagIndex() {
  const { slug } = useSite();
  const f = useI18n();
  const tags = useTags(slug);
  if (tags.isLoading) return <Loading />;
  if (tags.error) return <ErrorNotice error={tags.error} onRetry={tags.refetch} />;
  return (
    <>
      <ul className="tag-index">
        {tags.items.map((tag) => (
          <li key={tag.slug}>
            <Link to={`/tags/${encodeURIComponent(tag.slug)}`}>#{tag.name}</Link>{" "}
            <span className="muted">({f.plural("tags.count", tag.post_count)})</span>
          </li>
        ))}
      </ul>
      <MoreButton paged={tags} />
    </>
  );
}
