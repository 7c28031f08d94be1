"""Single sign-on with Microsoft Entra ID and Google Workspace through OpenID Connect.

Each Sở turns it on for its province (models.SsoProvider, edited on /tai-khoan/dang-nhap-mot-lan/
by its administrator). allauth's openid_connect provider does the protocol, with our subclass
(provider.py: nonce, PKCE, signed ID token always checked); the adapter (adapter.py) offers only
the enabled apps and links a sign-in to the existing HoSo account (services.sso_login_link):
verified e-mail, an allowed domain, a person working in the province. No account is ever made by
signing in. Two-factor login still follows: allauth's MFA stage runs after the OIDC step."""
