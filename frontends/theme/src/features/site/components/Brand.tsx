import { Link } from "react-router";

import { useSite } from "../../../shared/site";

/** The site's logo (when it has one) and name, linking home. */
export function Brand() {
  const { config } = useSite();
  const logo = config.branding.logo_url;
  return (
    <Link to="/" className="brand">
      {logo ? <img className="brand__logo" src={logo} alt="" width={40} height={40} /> : null}
      <span className="brand__name">{config.name}</span>
    </Link>
  );
}
