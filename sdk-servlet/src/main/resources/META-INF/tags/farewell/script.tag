<%@ tag body-content="empty" trimDirectiveWhitespaces="true"
        import="dev.farewell.servlet.FarewellServlet, java.util.Map" %>
<%@ attribute name="nonce" required="false" rtexprvalue="true"
    description="the CSP nonce scripts are allowed by; empty or absent: the one of the response's Content-Security-Policy header, if any" %>
<%-- A tag file rather than a tag class: compiled by the application's own JSP engine, it needs
     no JSP API here and works unchanged in javax (farewell-servlet-javax) containers. --%>
<%
  FarewellServlet farewell = FarewellServlet.from(application);
  // EL turns a missing value into "" for a String attribute: "" means no nonce given.
  String cspNonce = (String) jspContext.getAttribute("nonce");
  out.print(cspNonce == null || cspNonce.isEmpty()
      ? farewell.scriptTag(request, response)
      : farewell.scriptTag(request, Map.of(), cspNonce));
%>
